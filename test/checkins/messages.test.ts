import { describe, expect, it } from "vitest";
import { chooseNudge, currentStreak } from "../../src/domain/checkins/nudges.ts";
import { computePace } from "../../src/domain/goals/pace.ts";
import type { GoalRow } from "../../src/domain/goals/repository.ts";
import type { GoalView } from "../../src/domain/goals/service.ts";
import {
  askPauseMessage,
  checkinMessage,
  nudgeMessage,
  planLine,
} from "../../src/messages/checkins.ts";
import { messageText } from "../../src/messages/model.ts";

const now = new Date("2026-11-30T09:00:00Z");
const ctx = { now, timeZone: "Europe/Berlin" };
const DAY = 86_400_000;

function view(over: Partial<GoalRow> = {}): GoalView {
  const goal = {
    id: 7,
    user_id: 1,
    credential_id: null,
    title: "Learn Rust",
    target_date: null,
    hours_per_week: 3,
    estimated_hours: 30,
    status: "active",
    created_at: new Date(now.getTime() - 21 * DAY),
    updated_at: now,
    completed_at: null,
    loggedHours: 2,
    lastProgressAt: new Date(now.getTime() - 2 * DAY),
    credentialUrl: null,
    provider: null,
    ...over,
  } as GoalRow;
  return {
    goal,
    pace: computePace(
      {
        createdAt: goal.created_at,
        targetDate: goal.target_date,
        hoursPerWeek: goal.hours_per_week,
        estimatedHours: goal.estimated_hours,
        loggedHours: goal.loggedHours,
        status: goal.status,
      },
      now,
      "Europe/Berlin",
    ),
  };
}

const base = {
  weeksWithProgress: [],
  streakCelebrated: 0,
  streakCelebratedAt: null,
  recent: [],
  now,
  timeZone: "Europe/Berlin",
};

describe("check-in and nudge messages", () => {
  it("check-in: each goal with progress and the one-click buttons, plus the plan line", () => {
    const v = view();
    const text = messageText(checkinMessage([v], ctx, { key: "k1", nudge: planLine([v]) }));
    expect(text).toContain("Time for a quick check-in");
    expect(text).toContain("Learn Rust: 7 h behind — block an hour today?");
    expect(text).toContain("2 h of 30 h");
    expect(text).toContain("[Log 30 min] [Log 1 h] [Log 2 h] [Other…] [Done!] [Pause goal]");
    expect(text).toContain("[Snooze 1 h] [Snooze tomorrow] [Snooze next week]");
  });

  it("asks once to pause after ignored check-ins", () => {
    const text = messageText(askPauseMessage(3, "k"));
    expect(text).toContain("The last 3 check-ins went unanswered");
    expect(text).toContain("[Pause 2 weeks] [Pause a month] [Keep them coming]");
  });

  it("behind plan: says by how much and offers an hour", () => {
    const nudge = chooseNudge({ ...base, goals: [view()] });
    expect(nudge?.kind).toBe("behind");
    expect(messageText(nudgeMessage(nudge!))).toContain(
      "Learn Rust: 7 h behind plan — block an hour today?",
    );
  });

  it("no progress for 14 days: a gentle question, once per stall", () => {
    const stalled = view({ lastProgressAt: new Date(now.getTime() - 15 * DAY) });
    const nudge = chooseNudge({ ...base, goals: [stalled] });
    expect(nudge?.kind).toBe("stalled");
    const text = messageText(nudgeMessage(nudge!));
    expect(text).toContain("It's been 15 days since you logged time on Learn Rust");
    expect(text).toContain("[Pause goal]");
    const again = chooseNudge({
      ...base,
      goals: [stalled],
      recent: [{ kind: "stalled", goalId: 7, sentAt: new Date(now.getTime() - DAY) }],
    });
    expect(again?.kind).not.toBe("stalled");
  });

  it("target near: days and hours to go", () => {
    const near = view({ target_date: "2026-12-03", loggedHours: 28 });
    const nudge = chooseNudge({ ...base, goals: [near] });
    expect(nudge?.kind).toBe("target_near");
    expect(messageText(nudgeMessage(nudge!))).toContain(
      "Learn Rust is due in 3 days with 2 h to go",
    );
  });

  it("streaks are celebrated once per milestone", () => {
    const onPlan = view({ loggedHours: 9 });
    const weeks = ["2026-11-30", "2026-11-23", "2026-11-16"];
    expect(currentStreak(weeks, now, "Europe/Berlin").weeks).toBe(3);
    const nudge = chooseNudge({ ...base, goals: [onPlan], weeksWithProgress: weeks });
    expect(nudge).toEqual({ kind: "streak", weeks: 3 });
    expect(messageText(nudgeMessage(nudge!))).toContain("3 weeks in a row");
    expect(
      chooseNudge({ ...base, goals: [onPlan], weeksWithProgress: weeks, streakCelebrated: 3 }),
    ).toBeNull();
  });

  it("a broken streak starts again: a new three weeks is celebrated after an older five", () => {
    const onPlan = view({ loggedHours: 9 });
    // Five weeks in October, a gap, then three weeks up to now.
    const old = ["2026-10-26", "2026-10-19", "2026-10-12", "2026-10-05", "2026-09-28"];
    const fresh = ["2026-11-30", "2026-11-23", "2026-11-16"];
    const weeks = [...fresh, ...old];
    expect(currentStreak(weeks, now, "Europe/Berlin").weeks).toBe(3);
    expect(
      chooseNudge({ ...base, goals: [onPlan], weeksWithProgress: weeks, streakCelebrated: 5 }),
    ).toEqual({ kind: "streak", weeks: 3 });
    // Still the same streak that was celebrated: nothing new.
    const unbroken = [...fresh, "2026-11-09", "2026-11-02", ...old];
    expect(
      chooseNudge({ ...base, goals: [onPlan], weeksWithProgress: unbroken, streakCelebrated: 10 }),
    ).toBeNull();
  });

  it("a streak shortened by a correction after its celebration is not celebrated again", () => {
    const onPlan = view({ loggedHours: 9 });
    // Five weeks were celebrated on 25 November; then the week of 9 November was corrected away.
    const weeks = ["2026-11-30", "2026-11-23", "2026-11-16", "2026-11-02", "2026-10-26"];
    const input = { ...base, goals: [onPlan], weeksWithProgress: weeks, streakCelebrated: 5 };
    const celebrated = new Date("2026-11-25T09:00:00Z");
    expect(chooseNudge({ ...input, streakCelebratedAt: celebrated })).toBeNull();
    // Celebrated before this streak began: this one is new, and its three weeks count.
    const earlier = new Date("2026-11-04T09:00:00Z");
    expect(chooseNudge({ ...input, streakCelebratedAt: earlier })).toEqual({
      kind: "streak",
      weeks: 3,
    });
  });
});
