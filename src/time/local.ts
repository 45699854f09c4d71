import { DateTime, FixedOffsetZone, IANAZone } from "luxon";

/** A local calendar date, "YYYY-MM-DD". */
export type LocalDate = string;
/** A local wall-clock time, "HH:MM" (24-hour). */
export type LocalTime = string;

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

// Checking a zone builds an Intl formatter, far dearer than the date arithmetic that follows;
// the valid ones are few, so they are remembered (bounded: typed case variants are valid too).
const validZones = new Set<string>();

export function isValidTimeZone(zone: string): boolean {
  if (validZones.has(zone)) return true;
  if (!IANAZone.isValidZone(zone)) return false;
  if (validZones.size < 4096) validZones.add(zone);
  return true;
}

export function isLocalTime(value: string): boolean {
  return LOCAL_TIME.test(value);
}

export function isLocalDate(value: string): boolean {
  const m = LOCAL_DATE.exec(value);
  if (!m) return false;
  return DateTime.fromObject({ year: +m[1]!, month: +m[2]!, day: +m[3]! }).isValid;
}

function zoneOrThrow(zone: string): string {
  if (!isValidTimeZone(zone)) throw new RangeError(`Unknown time zone: ${zone}`);
  return zone;
}

export function parseLocalTime(value: LocalTime): { hour: number; minute: number } {
  const m = LOCAL_TIME.exec(value);
  if (!m) throw new RangeError(`Not an HH:MM time: ${value}`);
  return { hour: +m[1]!, minute: +m[2]! };
}

function dateParts(value: LocalDate): { year: number; month: number; day: number } {
  const m = LOCAL_DATE.exec(value);
  if (!m || !isLocalDate(value)) throw new RangeError(`Not a YYYY-MM-DD date: ${value}`);
  return { year: +m[1]!, month: +m[2]!, day: +m[3]! };
}

/** The local calendar date of an instant in a zone. */
export function localDateOf(at: Date, zone: string): LocalDate {
  return DateTime.fromJSDate(at, { zone: zoneOrThrow(zone) }).toISODate()!;
}

/** The local wall time ("HH:MM") of an instant in a zone. */
export function localTimeOf(at: Date, zone: string): LocalTime {
  return DateTime.fromJSDate(at, { zone: zoneOrThrow(zone) }).toFormat("HH:mm");
}

/** Adds whole calendar days to a local date (no zone involved). */
export function addDays(date: LocalDate, days: number): LocalDate {
  return DateTime.fromObject(dateParts(date), { zone: "UTC" }).plus({ days }).toISODate()!;
}

/** ISO weekday of a local date: 1 = Monday … 7 = Sunday. */
export function isoWeekdayOf(date: LocalDate): number {
  return DateTime.fromObject(dateParts(date), { zone: "UTC" }).weekday;
}

const WALL = "yyyy-MM-dd'T'HH:mm:ss.SSS";

/**
 * The instant a local date and wall time names in a zone.
 *
 * Luxon alone is not enough here: for a fall-back (ambiguous) time it picks whichever offset
 * the zone had "before" in its own sense, which is the second occurrence in New York but the
 * first in Sydney. Users expect one check-in at the first occurrence, and for a time inside a
 * spring-forward gap, the first real instant after the gap (02:30 → 03:00, not 03:30).
 */
export function resolveLocal(date: LocalDate, time: LocalTime, zone: string): Date {
  zoneOrThrow(zone);
  const fields = { ...dateParts(date), ...parseLocalTime(time) };
  const wanted = DateTime.fromObject(fields, { zone: "UTC" }).toFormat(WALL);
  const guess = DateTime.fromObject(fields, { zone });
  const iana = IANAZone.create(zone);
  const hour = 3_600_000;
  const offsets = new Set([-24, -3, 0, 3, 24].map((h) => iana.offset(guess.toMillis() + h * hour)));
  const matches: number[] = [];
  for (const offset of offsets) {
    const candidate = DateTime.fromObject(fields, { zone: FixedOffsetZone.instance(offset) });
    if (candidate.setZone(zone).toFormat(WALL) === wanted) matches.push(candidate.toMillis());
  }
  if (matches.length > 0) return new Date(Math.min(...matches));

  // In a gap: the first instant whose wall time is at or past the wanted one is the transition.
  let lo = guess.toMillis() - 6 * hour;
  let hi = guess.toMillis() + 6 * hour;
  const wallAt = (ms: number) => DateTime.fromMillis(ms, { zone }).toFormat(WALL);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallAt(mid) >= wanted) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

/** The first instant of the local day containing `at`. */
export function localDayStart(at: Date, zone: string): Date {
  return DateTime.fromJSDate(at, { zone: zoneOrThrow(zone) })
    .startOf("day")
    .toJSDate();
}

/** The first instant of the ISO week (starting Monday) containing `at`, in the user's zone. */
export function isoWeekStart(at: Date, zone: string): Date {
  return DateTime.fromJSDate(at, { zone: zoneOrThrow(zone) })
    .startOf("week")
    .toJSDate();
}

/** The local date of the Monday that starts the ISO week containing `at`. */
export function isoWeekStartDate(at: Date, zone: string): LocalDate {
  return DateTime.fromJSDate(at, { zone: zoneOrThrow(zone) })
    .startOf("week")
    .toISODate()!;
}
