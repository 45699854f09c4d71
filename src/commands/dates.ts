import { DateTime } from "luxon";
import { catalogueFor, type Phrase, translator } from "../i18n/index.ts";
import { readDate, readSpan } from "../time/natural.ts";

export type DateParse = { ok: true; date: string } | { ok: false; message: Phrase };

export interface DateContext {
  now: Date;
  timeZone: string;
  /** The person's locale: dates are read in its language first, then in English. */
  locale?: string;
}

const MAX_YEARS_AHEAD = 5;
const MAX_DATE_CHARS = 16;
const DATE_WORDS =
  /\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|today|tomorrow|next|end|week|month|year/i;

/** How a locale puts a date after a goal: "by {date}", "bis {date}", "{date}まで". */
interface DateWords {
  before: string;
  after: string;
  /** "by" takes a date; "in" takes a span ("in 6 weeks"). */
  kind: "by" | "in";
}

const MARK = "\u0001";
const wordsByLocale = new Map<string, DateWords[]>();

/**
 * The words that introduce a target date, from the catalogue's `grammar.by` and `grammar.in`
 * (alternatives separated by "|"), in the person's language and in English.
 */
function dateWords(locale: string | undefined): DateWords[] {
  const key = locale ?? "";
  let found = wordsByLocale.get(key);
  if (found) return found;
  found = [];
  for (const tag of new Set([catalogueFor(translator(locale).locale) ?? "en", "en"])) {
    const t = translator(tag);
    for (const kind of ["by", "in"] as const) {
      for (const alternative of t.t(`grammar.${kind}`, { date: MARK }).split("|")) {
        const [before = "", after = ""] = alternative.split(MARK).map((s) => s.trim());
        if (before || after) found.push({ before, after, kind });
      }
    }
  }
  wordsByLocale.set(key, found);
  return found;
}

/** True when a phrase after "by" was probably meant as a date. */
function looksLikeDate(text: string, ctx: DateContext): boolean {
  return DATE_WORDS.test(text) || readDate(text, { ...ctx, offset: 0 }) !== null;
}

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

type Ending = { title: string; phrase: string; kind: "by" | "in"; full: string; at: number };

/** After "by"-like words: every place they stand, each taking the rest of the text. */
function afterWords(text: string, w: DateWords): Ending[] {
  const re = new RegExp(`(?:^|\\s)${literal(w.before)}\\s+(?=\\S)`, "giu");
  return [...text.matchAll(re)].flatMap((m) => {
    const rest = text.slice(m.index + m[0].length);
    if (!rest.endsWith(w.after)) return [];
    const phrase = rest.slice(0, rest.length - w.after.length).trim();
    const full = w.kind === "in" ? `${w.before} ${phrase}${w.after}` : phrase;
    return phrase
      ? [{ title: text.slice(0, m.index).trim(), phrase, kind: w.kind, full, at: m.index }]
      : [];
  });
}

/**
 * Before "まで"-like words, which follow the date: Japanese needs no space before a date, so
 * every start within the last word is a candidate, the longest first.
 */
function beforeWords(text: string, w: DateWords): Ending[] {
  if (!text.endsWith(w.after)) return [];
  const head = text.slice(0, text.length - w.after.length).trimEnd();
  const word = /\S+$/u.exec(head);
  if (!word) return [];
  // No date is written in more than a few characters ("2027年12月31日"): a long word is not read whole.
  const chars = [...word[0]].slice(-MAX_DATE_CHARS);
  return chars.map((_, i) => {
    const phrase = chars.slice(i).join("");
    const cut = head.length - phrase.length;
    const full = w.kind === "in" ? phrase + w.after : phrase;
    return { title: head.slice(0, cut).trim(), phrase, kind: w.kind, full, at: text.length };
  });
}

/** Every way `text` can end with a date phrase these words introduce, the latest words first. */
function endings(text: string, words: DateWords[]): Ending[] {
  const plain = text.replace(/[.!。]+$/u, "");
  const found = words.flatMap((w) => (w.before ? afterWords(plain, w) : beforeWords(plain, w)));
  return found.sort((a, b) => b.at - a.at || b.phrase.length - a.phrase.length);
}

/**
 * The target date at the end of a goal ("… by March 31", "… bis 31. März", "… en 6 semaines",
 * "… 3月31日まで") and the goal without it; null when the goal names no date. A phrase after
 * "by" that looks like a date but cannot be read is an error, not part of the title.
 */
export function splitTargetDate(
  text: string,
  ctx: DateContext,
): { title: string; date: DateParse } | null {
  const candidates = endings(text, dateWords(ctx.locale));
  let unreadable: { title: string; date: DateParse } | null = null;
  for (const c of candidates) {
    const date = parseTargetDate(c.kind === "in" ? c.full : c.phrase, ctx);
    if (date.ok || (date.message.key !== "parse.dateUnreadable" && c.kind === "by")) {
      return { title: c.title, date };
    }
    if (c.kind === "by" && !unreadable && looksLikeDate(c.phrase, ctx)) {
      unreadable = { title: c.title, date };
    }
  }
  return unreadable;
}

/** A span ("6 weeks", "in 6 Wochen") after the locale's or English "in" words, or alone. */
function readWithin(phrase: string, locale: string | undefined) {
  for (const w of dateWords(locale).filter((d) => d.kind === "in")) {
    const lower = phrase.toLowerCase();
    const head = w.before.toLowerCase();
    if (head && !lower.startsWith(`${head} `)) continue;
    if (w.after && !phrase.endsWith(w.after)) continue;
    const inner = phrase.slice(w.before.length, phrase.length - w.after.length).trim();
    const span = readSpan(inner, locale);
    if (span) return span;
  }
  return null;
}

/**
 * Reads a target date the way people write it ("March 31", "31. März", "2027-03-31",
 * "in 6 weeks", "en 6 semaines", "end of next month"), in the person's language and then in
 * English, in their time zone, and returns it as a local ISO date.
 */
export function parseTargetDate(text: string, ctx: DateContext): DateParse {
  const phrase = text.trim();
  const local = DateTime.fromJSDate(ctx.now, { zone: ctx.timeZone });
  const today = local.startOf("day");
  const fail = (key: Phrase["key"], values: Phrase["values"]): DateParse => ({
    ok: false,
    message: { key, values },
  });
  let date: DateTime;
  const span = readWithin(phrase, ctx.locale);
  if (span) {
    date = today.plus({ [span.unit]: span.n });
  } else if (/^\d{4}-\d{2}-\d{2}$/.test(phrase)) {
    date = DateTime.fromISO(phrase, { zone: ctx.timeZone });
    if (!date.isValid) return fail("parse.dateUnreal", { text: phrase });
  } else {
    const read = readDate(phrase, { ...ctx, offset: local.offset });
    if (!read) return fail("parse.dateUnreadable", { text: phrase });
    const { year, month, day } = read;
    date = DateTime.fromObject({ year, month, day }, { zone: ctx.timeZone });
  }
  if (date <= today) {
    const shown = translator(ctx.locale).shortDate(date.toISODate()!, true);
    return fail("parse.datePast", { date: shown });
  }
  if (date > today.plus({ years: MAX_YEARS_AHEAD })) {
    return fail("parse.dateTooFar", { years: MAX_YEARS_AHEAD });
  }
  return { ok: true, date: date.toISODate()! };
}
