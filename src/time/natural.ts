import * as chrono from "chrono-node";

/**
 * Dates as people write them, in their language first and then in English: chrono-node's
 * parsers for the languages it ships, and `Intl`'s unit names for spans ("6 Wochen", "6週間").
 */

/** chrono's casual parser for each language it ships; English is its default. */
const PARSERS: Record<string, chrono.Chrono> = {
  en: chrono.casual,
  de: chrono.de.casual,
  fr: chrono.fr.casual,
  es: chrono.es.casual,
  pt: chrono.pt.casual,
  ja: chrono.ja.casual,
  it: chrono.it.casual,
  nl: chrono.nl.casual,
  sv: chrono.sv.casual,
  zh: chrono.zh.casual,
};

const language = (locale: string | undefined) => (locale ?? "en").split("-")[0]!.toLowerCase();

/** The parsers to try for a locale: its language's, then English. */
export function dateParsers(locale?: string): chrono.Chrono[] {
  const own = PARSERS[language(locale)];
  return own && own !== PARSERS.en ? [own, PARSERS.en!] : [PARSERS.en!];
}

/** The languages to read a phrase in: the locale's, then English. */
export function readingLocales(locale?: string): string[] {
  return language(locale) === "en" || !locale ? ["en"] : [locale, "en"];
}

export interface ReadDate {
  year: number;
  month: number;
  day: number;
  /** False when the phrase named no year ("March 31"). */
  yearGiven: boolean;
  /** True when it named a weekday and no day ("Monday"). */
  weekdayOnly: boolean;
}

/**
 * The date a whole phrase names ("31. März", "3月31日", "next Monday"), read on a day whose
 * zone is `offset` minutes from UTC; null unless one parser reads all of it. Dates without a
 * year are the next such date.
 */
export function readDate(
  phrase: string,
  at: { now: Date; offset: number; locale?: string },
): ReadDate | null {
  const text = phrase.trim().replace(/[.!。]+$/u, "");
  for (const parser of dateParsers(at.locale)) {
    const [first] = parser.parse(
      text,
      { instant: at.now, timezone: at.offset },
      { forwardDate: true },
    );
    if (first?.index !== 0 || first.text.length < text.length) continue;
    const c = first.start;
    return {
      year: c.get("year")!,
      month: c.get("month")!,
      day: c.get("day")!,
      yearGiven: c.isCertain("year"),
      weekdayOnly: !c.isCertain("day") && c.isCertain("weekday"),
    };
  }
  return null;
}

export type SpanUnit = "days" | "weeks" | "months" | "years";
const UNITS = ["day", "week", "month", "year"] as const;
const DISPLAYS = ["long", "short", "narrow"] as const;

const unitFormats = new Map<string, Intl.NumberFormat>();
function unitFormat(locale: string, unit: string, display: string): Intl.NumberFormat {
  const key = `${locale} ${unit} ${display}`;
  let format = unitFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      style: "unit",
      unit,
      unitDisplay: display as "long",
    });
    unitFormats.set(key, format);
  }
  return format;
}

const squash = (s: string) =>
  s
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s.]+/gu, "");

/**
 * A span written as a number and a unit in the locale's or English words, as `Intl` writes
 * them: "6 weeks", "6 Wochen", "6 semaines", "6週間", "3 mo". Either plural form is taken.
 */
export function readSpan(phrase: string, locale?: string): { n: number; unit: SpanUnit } | null {
  const digits = /\d{1,3}/.exec(phrase.normalize("NFKC"));
  if (!digits) return null;
  const n = Number(digits[0]);
  const wanted = squash(phrase);
  for (const tag of readingLocales(locale)) {
    for (const unit of UNITS) {
      for (const display of DISPLAYS) {
        const format = unitFormat(tag, unit, display);
        // Formatting 1 and 2 gives both plural forms; the person's number goes in their place.
        for (const sample of [1, 2, 5]) {
          const written = format.format(sample).replace(String(sample), String(n));
          if (squash(written) === wanted) return { n, unit: `${unit}s` };
        }
      }
    }
  }
  return null;
}

/** Lower case without accents or a closing dot: "Mi." and "mi", "sáb." and "sab" compare equal. */
export const foldName = (s: string) =>
  s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/\.$/, "");

const weekdayNamesByLocale = new Map<string, string[][]>();

/**
 * Monday to Sunday as the locale writes them, long and short, folded ("montag", "mo"; "月曜日",
 * "月"), from `Intl`; none for English, whose names the parsers know already.
 */
export function weekdayNames(locale?: string): string[][] {
  const tag = readingLocales(locale)[0]!;
  if (tag === "en") return [];
  let names = weekdayNamesByLocale.get(tag);
  if (!names) {
    const formats = (["long", "short"] as const).map(
      (weekday) => new Intl.DateTimeFormat(tag, { weekday, timeZone: "UTC" }),
    );
    // 2024-01-01 was a Monday.
    names = Array.from({ length: 7 }, (_, i) => {
      const day = new Date(Date.UTC(2024, 0, 1 + i, 12));
      return [...new Set(formats.map((f) => foldName(f.format(day))))];
    });
    weekdayNamesByLocale.set(tag, names);
  }
  return names;
}
