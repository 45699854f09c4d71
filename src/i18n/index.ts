/**
 * The message catalogue: every user-facing string, in ICU MessageFormat, one JSON file per
 * locale in `locales/`. English is the reference and the fallback; a key a locale lacks reads
 * in English. Formatting goes through FormatJS (`intl-messageformat`) and `Intl`, so plurals,
 * numbers, dates and 12- or 24-hour clocks follow the person's locale.
 */
import { readdirSync, readFileSync } from "node:fs";
import { IntlMessageFormat } from "intl-messageformat";
import { canonicalLocale } from "../domain/users/service.ts";
import type { CommandRef, Inline, RichText } from "../messages/model.ts";

/** English's keys, typed from its file; the files themselves are read at start-up. */
export type MessageKey = keyof typeof import("./locales/en.json");
export type Catalogue = Record<string, string>;

/**
 * Every `locales/<tag>.json`, by its canonical tag, English first and the rest by tag: adding a
 * language is adding its file. The build copies the files beside the code (dist/src/i18n/).
 */
export function readCatalogues(dir: URL): Record<string, Catalogue> {
  const tags = readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .map((file) => [Intl.getCanonicalLocales(file.slice(0, -5))[0]!, file] as const)
    .sort(([a], [b]) => (a === "en" ? -1 : b === "en" ? 1 : a.localeCompare(b, "en")));
  return Object.fromEntries(
    tags.map(([tag, file]) => [tag, JSON.parse(readFileSync(new URL(file, dir), "utf8"))]),
  );
}

/** The catalogues Stackup ships, by language tag; English first. */
export const CATALOGUES: Readonly<Record<string, Catalogue>> = readCatalogues(
  new URL("./locales/", import.meta.url),
);
const en = CATALOGUES.en as Record<MessageKey, string>;

export const LOCALES = Object.keys(CATALOGUES);
/** Used when nobody said: English, with day-month dates and a 24-hour clock. */
export const DEFAULT_LOCALE = "en-GB";
/**
 * A pseudo-locale: English with every message wrapped in ⟦…⟧, so text that bypasses the
 * catalogue stands out (tests look for it; the playground can show it).
 */
export const PSEUDO_LOCALE = "en-XA";

function pseudoCatalogue(): Catalogue {
  return Object.fromEntries(Object.entries(en).map(([key, text]) => [key, `⟦${text}⟧`]));
}

/** A value a message may interpolate: text, a number, or an inline part (a command, bold…). */
export type MessageValue = string | number | Inline;
export type MessageValues = Record<string, MessageValue>;

/** A message named now and written later, in the language of whoever reads it. */
export interface Phrase {
  key: MessageKey;
  values?: MessageValues;
}

/**
 * The canonical BCP 47 tag for a platform's or a person's locale ("de_DE" → "de-DE"), or null
 * when it names no language Stackup has a catalogue for.
 */
export function supportedLocale(code: string | null | undefined): string | null {
  const tag = canonicalLocale(code);
  if (!tag) return null;
  return tag === PSEUDO_LOCALE || catalogueFor(tag) ? tag : null;
}

/** The first of `choices` Stackup speaks (a person's choice, their platform's, …), else English. */
export function resolveLocale(...choices: (string | null | undefined)[]): string {
  for (const choice of choices) {
    const tag = supportedLocale(choice);
    if (tag) return tag;
  }
  return DEFAULT_LOCALE;
}

/** The catalogue's tag for a locale: the exact tag, else its language ("pt-PT" → "pt-BR"). */
export function catalogueFor(tag: string): string | null {
  if (CATALOGUES[tag]) return tag;
  const language = tag.split("-")[0]?.toLowerCase() ?? "";
  return LOCALES.find((l) => l.split("-")[0] === language) ?? null;
}

const TAGS = {
  b: (text: string): Inline => ({ bold: text }),
  i: (text: string): Inline => ({ italic: text }),
  code: (text: string): Inline => ({ code: text }),
};

/** Joins adjacent strings so rich text stays as short as the hand-written kind was. */
function tidy(parts: unknown[]): RichText {
  const out: Inline[] = [];
  const add = (part: unknown): void => {
    if (Array.isArray(part)) {
      for (const p of part) add(p);
      return;
    }
    const value = typeof part === "number" ? String(part) : (part as Inline);
    if (value === "") return;
    const last = out[out.length - 1];
    if (typeof value === "string" && typeof last === "string") out[out.length - 1] = last + value;
    else out.push(value);
  };
  add(parts);
  return out;
}

/** The rich-text tags as ICU formatting functions; made once, they hold no state. */
const TAG_FORMATTERS = Object.fromEntries(
  Object.entries(TAGS).map(([tag, make]) => [
    tag,
    (chunks: unknown[]) => make(tidy(chunks).map(plainInline).join("")),
  ]),
);

/** Speaks one locale: messages from its catalogue, numbers and dates through `Intl`. */
export class Translator {
  readonly locale: string;
  private readonly messages: Catalogue;
  private readonly formats = new Map<string, IntlMessageFormat>();
  private readonly number: Intl.NumberFormat;
  /** "09:30" on a 24-hour clock, "9:30 AM" on a 12-hour one. */
  private readonly hour: "2-digit" | "numeric";

  /** `messages` replaces the catalogue (a pseudo-locale in tests); `locale` still picks Intl's. */
  constructor(locale: string, messages?: Catalogue) {
    this.locale = supportedLocale(locale) ?? DEFAULT_LOCALE;
    this.messages =
      messages ??
      (this.locale === PSEUDO_LOCALE
        ? pseudoCatalogue()
        : (CATALOGUES[catalogueFor(this.locale) ?? "en"] ?? en));
    this.number = new Intl.NumberFormat(this.locale, { maximumFractionDigits: 1 });
    this.percentFormat = new Intl.NumberFormat(this.locale, {
      style: "percent",
      maximumFractionDigits: 0,
    });
    this.exactFormat = new Intl.NumberFormat(this.locale, { maximumFractionDigits: 2 });
    this.listFormat = new Intl.ListFormat(this.locale, { style: "long", type: "conjunction" });
    const cycle = new Intl.DateTimeFormat(this.locale, { hour: "numeric" }).resolvedOptions()
      .hourCycle;
    this.hour = cycle === "h23" || cycle === "h24" ? "2-digit" : "numeric";
  }

  private format(key: MessageKey): IntlMessageFormat {
    let format = this.formats.get(key);
    if (!format) {
      const source = this.messages[key] ?? (en as Catalogue)[key] ?? key;
      format = new IntlMessageFormat(source, this.locale);
      this.formats.set(key, format);
    }
    return format;
  }

  /** A message whose key is only known at run time (`command.<name>`), if the catalogue has it. */
  lookup(key: string, values: MessageValues = {}): string | undefined {
    if (!(key in (en as Catalogue))) return undefined;
    return this.t(key as MessageKey, values);
  }

  /** A message as plain text. Inline values (commands) are spelled without a command word. */
  t(key: MessageKey, values: MessageValues = {}): string {
    return tidy([this.rich(key, values)])
      .map((p) => (typeof p === "string" ? p : plainInline(p)))
      .join("");
  }

  /** A phrase (a parser's complaint) as plain text. */
  say(phrase: Phrase): string {
    return this.t(phrase.key, phrase.values);
  }

  /** A message as rich text: `<b>…</b>` is bold, `<i>` italic, `<code>` code; commands stay parts. */
  rich(key: MessageKey, values: MessageValues = {}): RichText {
    const out = this.format(key).format<Inline>({ ...TAG_FORMATTERS, ...values } as never);
    return tidy(Array.isArray(out) ? out : [out]);
  }

  /** Intl formatters cost far more to make than to use: one per set of options, kept. */
  private readonly dateFormats = new Map<string, Intl.DateTimeFormat>();
  private dates(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
    const key = JSON.stringify(options);
    let format = this.dateFormats.get(key);
    if (!format) {
      format = new Intl.DateTimeFormat(this.locale, options);
      this.dateFormats.set(key, format);
    }
    return format;
  }
  private readonly percentFormat: Intl.NumberFormat;
  private readonly exactFormat: Intl.NumberFormat;
  private readonly listFormat: Intl.ListFormat;

  /** Hours with the locale's decimal mark and unit: "1.5 h", "1,5 Std.", "1.5時間". */
  hours(n: number): string {
    return this.t("unit.hours", { n: this.number.format(Math.round(n * 10) / 10) });
  }

  /** A number in the locale's format, at most one decimal. */
  num(n: number): string {
    return this.number.format(n);
  }

  /** A whole percentage ("30%", "30 %"). */
  percent(ratio: number): string {
    return this.percentFormat.format(ratio);
  }

  /**
   * A day and time in the person's zone: "Thu 4 Dec, 10:00", "Do., 4. Dez., 10:00"; with
   * `thisYear` given and another year, the year instead of the weekday ("4 Dec 2025, 10:00").
   */
  dateTime(at: Date, timeZone: string, thisYear?: number): string {
    const year = yearIn(at, timeZone);
    const otherYear = thisYear !== undefined && Number(year) !== thisYear;
    return this.dates({
      ...(otherYear ? { year: "numeric" } : { weekday: "short" }),
      day: "numeric",
      month: "short",
      hour: this.hour,
      minute: "2-digit",
      timeZone,
    }).format(at);
  }

  /** Hours exact to the hundredth, as logged: "0.25 h", "0,25 Std.". */
  exactHours(n: number): string {
    return this.t("unit.hours", { n: this.exactFormat.format(Number(n.toFixed(2))) });
  }

  /** A calendar date ("YYYY-MM-DD"), with the year only when it is not `thisYear`. */
  date(iso: string, thisYear?: number): string {
    const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
    const at = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1, 12));
    const sameYear = thisYear === undefined || at.getUTCFullYear() === thisYear;
    return this.dates(
      sameYear
        ? { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }
        : { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" },
    ).format(at);
  }

  /** A calendar date without the weekday: "19 Oct", "25 Oct 2026", "19. Okt.". */
  shortDate(iso: string, withYear = false): string {
    const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
    const at = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1, 12));
    return this.dates({
      day: "numeric",
      month: "short",
      ...(withYear ? { year: "numeric" } : {}),
      timeZone: "UTC",
    }).format(at);
  }

  /** A wall-clock time "HH:MM" as the locale writes it ("10:00", "10:00 AM"). */
  time(hhmm: string): string {
    const [h, m] = hhmm.split(":").map(Number);
    const at = new Date(Date.UTC(2000, 0, 1, h ?? 0, m ?? 0));
    return this.dates({ hour: this.hour, minute: "2-digit", timeZone: "UTC" }).format(at);
  }

  /** A weekday's short name for "mon" … "sun". */
  weekday(day: string): string {
    const index = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].indexOf(day);
    if (index < 0) return day;
    // 2024-01-01 was a Monday.
    const at = new Date(Date.UTC(2024, 0, 1 + index, 12));
    return this.dates({ weekday: "short", timeZone: "UTC" }).format(at);
  }

  /** "a, b and c" as the locale joins a list. */
  list(items: string[]): string {
    return this.listFormat.format(items);
  }
}

function plainInline(part: Inline): string {
  if (typeof part === "string") return part;
  if ("bold" in part) return part.bold;
  if ("italic" in part) return part.italic;
  if ("code" in part) return part.code;
  if ("link" in part) return part.text;
  return (part as CommandRef).command;
}

const shared = new Map<string, Translator>();
/** By the tag as given ("de_DE", null…): canonicalising a tag is costly and tags repeat. */
const byGivenTag = new Map<string, Translator>();

/** The translator for a locale tag (null or unknown: English); translators are shared. */
export function translator(locale?: string | null): Translator {
  const given = locale ?? "";
  const known = byGivenTag.get(given);
  if (known) return known;
  const tag = supportedLocale(locale) ?? DEFAULT_LOCALE;
  let found = shared.get(tag);
  if (!found) {
    found = new Translator(tag);
    shared.set(tag, found);
  }
  if (byGivenTag.size < 1000) byGivenTag.set(given, found);
  return found;
}

const yearFormats = new Map<string, Intl.DateTimeFormat>();
/** The calendar year at `at` in a time zone. */
function yearIn(at: Date, timeZone: string): string {
  let format = yearFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en", { year: "numeric", timeZone });
    if (yearFormats.size < 1000) yearFormats.set(timeZone, format);
  }
  return format.format(at);
}
