import * as chrono from "chrono-node";
import { DateTime } from "luxon";

export type DateParse = { ok: true; date: string } | { ok: false; message: string };

const MAX_YEARS_AHEAD = 5;
const DATE_WORDS =
  /\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|today|tomorrow|next|end|week|month|year/i;

/** True when a phrase after "by" was probably meant as a date. */
export function looksLikeDate(text: string): boolean {
  return DATE_WORDS.test(text);
}

/**
 * Reads a target date the way people write it ("March 31", "2027-03-31", "in 6 weeks",
 * "end of next month"), in the user's time zone, and returns it as a local ISO date.
 */
export function parseTargetDate(text: string, now: Date, timeZone: string): DateParse {
  const phrase = text.trim();
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  const today = local.startOf("day");
  let date: DateTime | undefined;

  const relative = /^in\s+(\d{1,3})\s+(day|week|month|year)s?$/i.exec(phrase);
  if (relative) {
    const unit = `${relative[2]!.toLowerCase()}s` as "days" | "weeks" | "months" | "years";
    date = today.plus({ [unit]: Number(relative[1]) });
  } else if (/^\d{4}-\d{2}-\d{2}$/.test(phrase)) {
    date = DateTime.fromISO(phrase, { zone: timeZone });
    if (!date.isValid) return { ok: false, message: `"${phrase}" is not a real date.` };
  } else {
    const results = chrono.parse(
      phrase,
      { instant: now, timezone: local.offset },
      { forwardDate: true },
    );
    const first = results[0];
    // The whole phrase must be the date, so "March 31 please" isn't half-read.
    const whole = first !== undefined && first.index === 0;
    if (!whole || first.text.length < phrase.replace(/[.!]+$/, "").length) {
      return {
        ok: false,
        message: `I couldn't read "${phrase}" as a date. Try "by March 31", "by 2027-03-31" or "in 6 weeks".`,
      };
    }
    const start = first.start;
    date = DateTime.fromObject(
      { year: start.get("year")!, month: start.get("month")!, day: start.get("day")! },
      { zone: timeZone },
    );
  }

  if (date <= today) {
    return {
      ok: false,
      message: `${date.toFormat("d LLL yyyy")} is not in the future — pick a date after today.`,
    };
  }
  if (date > today.plus({ years: MAX_YEARS_AHEAD })) {
    return {
      ok: false,
      message: `That is more than ${MAX_YEARS_AHEAD} years away — pick a nearer date.`,
    };
  }
  return { ok: true, date: date.toISODate()! };
}

/** "31 Mar 2027", or "31 Mar" within the current year. */
export function formatDate(isoDate: string, now: Date, timeZone: string): string {
  const date = DateTime.fromISO(isoDate, { zone: timeZone });
  const thisYear = DateTime.fromJSDate(now, { zone: timeZone }).year;
  return date.toFormat(date.year === thisYear ? "EEE d LLL" : "d LLL yyyy");
}
