import { describe, expect, it } from "vitest";
import {
  normalizeArgs,
  parseDone,
  parseDuration,
  parseGoal,
  parseLog,
  tooLong,
  unknownCommand,
} from "../../src/commands/grammar.ts";
import { type Phrase, translator } from "../../src/i18n/index.ts";

const english = (phrase: Phrase) => translator("en").say(phrase);

// Sunday 29 Nov 2026, 10:00 in New York.
const ctx = { now: new Date("2026-11-29T15:00:00Z"), timeZone: "America/New_York" };
/** Reads "goal …", "log …" or "done …" as the goal loop's commands do, after the word. */
function parse(text: string) {
  const [word, ...rest] = text.split(" ");
  const args = normalizeArgs(rest.join(" "));
  if (word === "goal") return parseGoal(args, ctx);
  if (word === "log") return parseLog(args);
  if (word === "done") return parseDone(args);
  throw new Error(`not a goal-loop command: ${word}`);
}

describe("command grammar", () => {
  it("reads a goal with a natural target date and hours per week", () => {
    expect(parse("goal Google Project Management Certificate by March 31 5h/week")).toEqual({
      type: "goal",
      query: "Google Project Management Certificate",
      targetDate: "2027-03-31",
      hoursPerWeek: 5,
    });
  });

  it("reads ISO dates, 'in N weeks' and hours written out", () => {
    expect(parse("goal AI for Everyone by 2027-01-15 2 hours per week")).toMatchObject({
      query: "AI for Everyone",
      targetDate: "2027-01-15",
      hoursPerWeek: 2,
    });
    expect(parse("goal learn Rust in 6 weeks")).toMatchObject({
      query: "learn Rust",
      targetDate: "2027-01-10",
      hoursPerWeek: null,
    });
  });

  it("keeps 'by' in a title when what follows is not a date", () => {
    expect(parse("goal Learning by doing")).toMatchObject({
      query: "Learning by doing",
      targetDate: null,
    });
  });

  it("uses the user's time zone for 'today'", () => {
    // 02:00 UTC on the 30th is still the 29th in New York, so the 30th is in the future.
    const late = parseGoal("X by 2026-11-30", {
      now: new Date("2026-11-30T02:00:00Z"),
      timeZone: "America/New_York",
    });
    expect(late).toMatchObject({ type: "goal", targetDate: "2026-11-30" });
    const tokyo = parseGoal("X by 2026-11-30", {
      now: new Date("2026-11-30T02:00:00Z"),
      timeZone: "Asia/Tokyo",
    });
    expect(tokyo).toMatchObject({ type: "invalid" });
  });

  it("refuses past dates, unreadable dates, and silly hours with the right usage", () => {
    const past = parse("goal AI for Everyone by 2025-01-01");
    expect(past).toMatchObject({ type: "invalid", usage: expect.stringContaining("goal <") });
    expect(past.type === "invalid" && english(past.message)).toMatch(/not in the future/);
    expect(parse("goal AI by 2027-02-30")).toMatchObject({ type: "invalid" });
    expect(parse("goal AI by Marhc 3x")).toMatchObject({ type: "invalid" });
    expect(parse("goal AI 0h/week")).toMatchObject({ type: "invalid" });
    expect(parse("goal AI 100h/week")).toMatchObject({ type: "invalid" });
    expect(parse("goal")).toMatchObject({ type: "invalid", message: { key: "parse.goalEmpty" } });
    expect(parse(`goal ${"x".repeat(201)}`)).toMatchObject({ type: "invalid" });
  });

  it("reads hours in every way people write them", () => {
    expect(parseDuration("2")).toEqual({ hours: 2, rest: "" });
    expect(parseDuration("1.5 python")).toEqual({ hours: 1.5, rest: "python" });
    expect(parseDuration("1,5")).toEqual({ hours: 1.5, rest: "" });
    expect(parseDuration("30m")).toEqual({ hours: 0.5, rest: "" });
    expect(parseDuration("45 min notes")).toEqual({ hours: 0.75, rest: "notes" });
    expect(parseDuration("1h30 x")).toEqual({ hours: 1.5, rest: "x" });
    expect(parseDuration("2 hours")).toEqual({ hours: 2, rest: "" });
    expect(parseDuration("two")).toBeNull();
  });

  it("bounds a single log to more than 0 and at most 24 hours", () => {
    expect(parse("log 2")).toEqual({ type: "log", hours: 2, rest: "" });
    expect(parse("log 2 pandas: read chapter 3")).toEqual({
      type: "log",
      hours: 2,
      rest: "pandas: read chapter 3",
    });
    expect(parse("log 0")).toMatchObject({ type: "invalid", message: { key: "parse.logZero" } });
    expect(parse("log 25")).toMatchObject({ type: "invalid" });
    expect(parse("log")).toMatchObject({ type: "invalid" });
    const lots = parse("log lots");
    expect(lots.type === "invalid" && english(lots.message)).toBe(
      '"lots" isn\'t a number of hours.',
    );
  });

  it("takes an evidence URL off the end of done, unwrapping Slack's link markup", () => {
    expect(parse("done AI for Everyone https://coursera.org/verify/ABC")).toEqual({
      type: "done",
      goal: "AI for Everyone",
      evidenceUrl: "https://coursera.org/verify/ABC",
    });
    expect(parse("done pm <https://www.credly.com/badges/1|credly>")).toEqual({
      type: "done",
      goal: "pm",
      evidenceUrl: "https://www.credly.com/badges/1",
    });
    expect(parse("done")).toMatchObject({ type: "invalid" });
  });

  it("answers unknown words and overlong input with a friendly problem", () => {
    expect(english(unknownCommand("frobnicate").message)).toBe('I don\'t know "frobnicate".');
    expect(tooLong("x".repeat(2001))).toMatchObject({ type: "invalid", usage: null });
    expect(tooLong("x".repeat(2000))).toBeNull();
  });

  it("collapses spaces and unwraps Slack links in what follows the word", () => {
    expect(normalizeArgs("  rust   book ")).toBe("rust book");
    expect(normalizeArgs("pm <https://a.example/b|b> x")).toBe("pm https://a.example/b x");
  });
});
