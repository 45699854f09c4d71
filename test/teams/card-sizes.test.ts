import { describe, expect, it } from "vitest";
import { LIMITS, renderActivity } from "../../adapters/teams/cards.ts";
import type { Leaderboard } from "../../src/domain/reports/leaderboard.ts";
import type { Report } from "../../src/domain/reports/report.ts";
import { currentWindow } from "../../src/domain/scoring/periods.ts";
import type { Message } from "../../src/messages/model.ts";
import { leaderboardMessage } from "../../src/messages/org.ts";
import { reportMessage } from "../../src/messages/report.ts";
import { readCard } from "./activities.ts";

const NOW = new Date("2026-11-30T09:00:00Z");
const ctx = { now: NOW, timeZone: "Europe/Berlin" };
const long = (what: string, i: number) => `${what} ${i} ${"Ünïcødé & <markup> *".repeat(4)}`;

/** A manager's report at its largest: every person shown has a long list of completions. */
function bigReport(people: number): Report {
  return {
    window: currentWindow("month", NOW, "UTC"),
    summary: { people, active: people, hours: people * 12.5, completions: people * 8 },
    people: Array.from({ length: people }, (_, i) => ({
      userId: i + 1,
      name: long("Person", i),
      email: `p${i}@example.test`,
      timeZone: "UTC",
      hours: 12.5,
      goals: [],
      completions: Array.from({ length: 8 }, (_, j) => ({
        credential: long("Credential", j),
        provider: long("Provider", j),
        completedAt: new Date("2026-11-02T12:00:00Z"),
        verified: true,
        status: "verified" as const,
        revoked: false,
        trusted: true,
        issuerDomain: "issuer.example.test",
      })),
    })),
  };
}

function bigLeaderboard(people: number): Leaderboard {
  return {
    window: currentWindow("week", NOW, "UTC"),
    standings: Array.from({ length: people }, (_, i) => ({
      userId: i + 1,
      rank: i + 1,
      name: long("Learner", i),
      points: 1000 - i,
      hours: 40,
    })) as unknown as Leaderboard["standings"],
    own: { rank: 3, points: 998, hidden: false, anonymous: false },
    unnamed: 12,
    people,
  };
}

const bytes = (m: Message) => Buffer.byteLength(JSON.stringify(renderActivity(m)), "utf8");

describe("Teams messages at their largest stay under Teams' message size limit", () => {
  it("cuts a 5,000-person report to fit, keeping the way to see everyone", () => {
    const message = reportMessage(bigReport(5_000), "your reports", ctx, null);
    const size = bytes(message);
    expect(size).toBeLessThanOrEqual(LIMITS.messageBytes);
    const text = readCard(renderActivity(message).attachments[0]!.content);
    expect(text).toContain("more not shown here");
    // The closing note names the command that gets the whole report.
    expect(text).toContain("Showing 20 of 5000 people; add csv for everyone.");
  });

  it("keeps a 1,000-person leaderboard well under the limit", () => {
    const size = bytes(leaderboardMessage(bigLeaderboard(1_000), long("Team", 1)));
    expect(size).toBeLessThanOrEqual(LIMITS.messageBytes);
  });
});
