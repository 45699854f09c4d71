import { DateTime, FixedOffsetZone, IANAZone } from "luxon";

const DAY = 86_400_000;
const BYDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

interface Transition {
  at: number;
  from: number;
  to: number;
  name: string;
  daylight: boolean;
}

const offsetText = (minutes: number) => {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
};

/** Local wall time of an onset, in the offset in force just before it (RFC 5545 §3.6.5). */
const onsetText = (t: Transition) =>
  DateTime.fromMillis(t.at, { zone: FixedOffsetZone.instance(t.from) }).toFormat(
    "yyyyMMdd'T'HHmmss",
  );

function transitions(zone: IANAZone, from: number, to: number): Transition[] {
  const out: Transition[] = [];
  let prev = zone.offset(from);
  for (let day = from + DAY; day <= to; day += DAY) {
    const next = zone.offset(day);
    if (next === prev) continue;
    let lo = day - DAY;
    let hi = day;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (zone.offset(mid) === prev) lo = mid;
      else hi = mid;
    }
    out.push({
      at: hi,
      from: prev,
      to: next,
      name: zone.offsetName(hi, { format: "short", locale: "en-US" }) ?? offsetText(next),
      daylight: DateTime.fromMillis(hi, { zone }).isInDST,
    });
    prev = next;
  }
  return out;
}

/** "2SU" or "-1SU" when every onset falls on the same nth (or last) weekday, else null. */
function sharedWeekdayRule(onsets: DateTime[]): { month: number; byDay: string } | null {
  const first = onsets[0]!;
  const same = (f: (d: DateTime) => unknown) => onsets.every((d) => f(d) === f(first));
  if (!same((d) => d.month) || !same((d) => d.weekday) || !same((d) => d.toFormat("HHmmss")))
    return null;
  const day = BYDAY[first.weekday - 1]!;
  if (same((d) => Math.ceil(d.day / 7))) {
    const n = Math.ceil(first.day / 7);
    if (n <= 4) return { month: first.month, byDay: `${n}${day}` };
  }
  if (onsets.every((d) => d.day + 7 > d.daysInMonth!))
    return { month: first.month, byDay: `-1${day}` };
  return null;
}

/**
 * A VTIMEZONE for `zoneName` built from this runtime's time-zone database, covering `from` to
 * `to` with a year's margin either side. Each observance is a yearly rule when the transitions
 * follow one (what Outlook reads best), else its onsets listed as RDATEs.
 */
export function vtimezone(zoneName: string, from: Date, to: Date): string {
  const zone = IANAZone.create(zoneName);
  if (!zone.isValid) throw new RangeError(`Unknown time zone: ${zoneName}`);
  // Whole calendar years, so each yearly observance is seen the same number of times.
  const start = DateTime.fromMillis(from.getTime() - 366 * DAY, { zone: "UTC" })
    .startOf("year")
    .toMillis();
  const end = DateTime.fromMillis(to.getTime() + 366 * DAY, { zone: "UTC" })
    .endOf("year")
    .toMillis();
  const lines = ["BEGIN:VTIMEZONE", `TZID:${zoneName}`, `X-LIC-LOCATION:${zoneName}`];
  const found = transitions(zone, start, end);

  if (found.length === 0) {
    const offset = offsetText(zone.offset(from.getTime()));
    lines.push(
      "BEGIN:STANDARD",
      `TZOFFSETFROM:${offset}`,
      `TZOFFSETTO:${offset}`,
      `TZNAME:${zone.offsetName(from.getTime(), { format: "short", locale: "en-US" }) ?? offset}`,
      "DTSTART:19700101T000000",
      "END:STANDARD",
    );
  }

  const groups = new Map<string, Transition[]>();
  for (const t of found) {
    const key = `${t.daylight}|${t.from}|${t.to}|${t.name}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const years = new Set(found.map((t) => DateTime.fromMillis(t.at, { zone: "UTC" }).year)).size;
  for (const group of groups.values()) {
    const first = group[0]!;
    const kind = first.daylight ? "DAYLIGHT" : "STANDARD";
    lines.push(
      `BEGIN:${kind}`,
      `TZOFFSETFROM:${offsetText(first.from)}`,
      `TZOFFSETTO:${offsetText(first.to)}`,
      `TZNAME:${first.name}`,
      `DTSTART:${onsetText(first)}`,
    );
    const onsets = group.map((t) =>
      DateTime.fromMillis(t.at, { zone: FixedOffsetZone.instance(t.from) }),
    );
    // A yearly rule only when it held in every year scanned; otherwise list the onsets.
    const rule = group.length === years && group.length > 1 ? sharedWeekdayRule(onsets) : null;
    if (rule) lines.push(`RRULE:FREQ=YEARLY;BYMONTH=${rule.month};BYDAY=${rule.byDay}`);
    else if (group.length > 1) lines.push(`RDATE:${group.slice(1).map(onsetText).join(",")}`);
    lines.push(`END:${kind}`);
  }
  lines.push("END:VTIMEZONE");
  return `${lines.join("\r\n")}\r\n`;
}
