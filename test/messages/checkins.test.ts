import { describe, expect, it } from "vitest";
import { LOCALES, PSEUDO_LOCALE } from "../../src/i18n/index.ts";
import {
  askPauseMessage,
  checkinFeedbackForm,
  checkinMessage,
  doneNote,
  loggedNote,
  nudgeMessage,
  pausedNote,
  planLine,
  settingsForm,
  settingsSavedMessage,
  snoozedNote,
} from "../../src/messages/checkins.ts";
import { languageName } from "../../src/messages/language.ts";
import { messageText, plain } from "../../src/messages/model.ts";
import type { CheckinSchedule } from "../../src/time/schedule.ts";
import { goalView, now, pseudo, untranslated, ZONE } from "./fixtures.ts";

// The person's data, commands (which stay English) and each language's own name in the picker.
const DATA = [
  "Learn Rust",
  "Europe/Berlin",
  "goal Learn Rust by <date>",
  "settings",
  ...LOCALES.map((tag) => languageName(tag)),
];

const schedule: CheckinSchedule = {
  days: ["mon", "thu", "sat"],
  time: "18:00",
  timeZone: ZONE,
  quietHours: { start: "20:00", end: "08:00" },
  weekendsOff: true,
  pausedUntil: "2026-12-10",
  enabled: true,
};

describe("check-in messages under the pseudo-locale", () => {
  const L = PSEUDO_LOCALE;
  const behind = goalView();
  const near = goalView({ target_date: "2026-12-03", loggedHours: 28 });
  const paused = goalView({ status: "paused" });

  it("every word of check-ins, notes and nudges comes from the catalogue", () => {
    const messages = [
      checkinMessage([behind, near], pseudo, { key: "k", nudge: planLine([behind], L) }),
      checkinMessage([], pseudo),
      checkinMessage([], pseudo, { note: loggedNote(behind, 1, true, L) }),
      checkinMessage([paused], pseudo, { note: doneNote(behind, L) }),
      { summary: "⟦⟧", blocks: [{ type: "text" as const, text: pausedNote(paused, L) }] },
      { summary: "⟦⟧", blocks: [{ type: "text" as const, text: snoozedNote(now, pseudo) }] },
      askPauseMessage(3, "k", L),
      nudgeMessage({ kind: "streak", weeks: 4 }, "k", L),
      nudgeMessage({ kind: "stalled", goal: behind, days: 15 }, "k", L),
      nudgeMessage({ kind: "target_near", goal: near, days: 0, remaining: 2 }, "k", L),
      nudgeMessage({ kind: "behind", goal: behind, hoursBehind: 7 }, "k", L),
      settingsSavedMessage(schedule, now, pseudo),
      settingsSavedMessage({ ...schedule, enabled: false }, null, pseudo),
      settingsSavedMessage({ ...schedule, days: [] }, null, pseudo),
      checkinMessage([goalView({ estimated_hours: null, hours_per_week: null })], pseudo),
    ];
    for (const message of messages) expect(untranslated(message, DATA)).toEqual([]);
  });

  it("and of the settings and log-time forms", () => {
    expect(untranslated(settingsForm(schedule, L), DATA)).toEqual([]);
    expect(untranslated(checkinFeedbackForm(7, "k", "Learn Rust", L), DATA)).toEqual([]);
  });

  it("the test itself finds text written in code", () => {
    const message = checkinMessage([behind], pseudo);
    message.blocks.push({ type: "text", text: ["Written in code"] });
    expect(untranslated(message, DATA)).toEqual(["Written in code"]);
  });
});

describe("check-ins in German and Japanese", () => {
  const v = goalView();

  it("German: words, hours with a decimal comma, dates as Germans write them", () => {
    const de = { now, timeZone: ZONE, locale: "de-DE" };
    const text = messageText(
      checkinMessage([goalView({ loggedHours: 2.5 })], de, { nudge: planLine([v], "de-DE") }),
    );
    expect(text).toContain("Zeit für einen kurzen Check-in");
    expect(text).toContain("Learn Rust: 7 Std. im Rückstand");
    expect(text).toContain("2,5 Std. von 30 Std., 8\u00a0%");
    expect(text).toContain("[30 Min. eintragen] [1 Std. eintragen] [2 Std. eintragen]");
    expect(plain(snoozedNote(new Date("2026-12-03T09:00:00Z"), de))).toBe(
      "💤 Verschoben auf Do., 3. Dez., 10:00. Dann melde ich mich wieder.",
    );
  });

  it("Japanese: polite wording and Japanese dates", () => {
    const ja = { now, timeZone: "Asia/Tokyo", locale: "ja-JP" };
    const text = messageText(checkinMessage([v], ja));
    expect(text).toContain("チェックインの時間です");
    expect(text).toContain("30時間中2時間、6%");
    expect(messageText(nudgeMessage({ kind: "streak", weeks: 3 }, "k", "ja-JP"))).toContain(
      "3週連続",
    );
    expect(plain(snoozedNote(new Date("2026-12-03T09:00:00Z"), ja))).toContain("12月3日(木) 18:00");
  });

  it("English in the US: a 12-hour clock in the schedule", () => {
    const us = { now, timeZone: "America/New_York", locale: "en-US" };
    const text = messageText(
      settingsSavedMessage({ ...schedule, timeZone: "America/New_York" }, now, us),
    );
    expect(text).toContain("at 6:00 PM");
    expect(text).toContain("quiet 8:00 PM–8:00 AM");
  });
});
