import { describe, expect, it } from "vitest";
import type { Leaderboard } from "../../src/domain/reports/leaderboard.ts";
import { PSEUDO_LOCALE } from "../../src/i18n/index.ts";
import { messageText } from "../../src/messages/model.ts";
import { leaderboardMessage } from "../../src/messages/org.ts";
import { untranslated } from "./fixtures.ts";

const board = (own: Leaderboard["own"]): Leaderboard =>
  ({
    window: { period: "month", firstDay: "2026-11-01", lastDay: "2026-11-30" },
    standings: [
      {
        rank: 1,
        userId: 1,
        name: "Rita",
        points: 25,
        hours: 12.5,
        completions: 2,
        labels: { verified: 1, linkOnly: 1, unverified: 0, issuers: ["acme.example"] },
      },
    ],
    own,
    unnamed: 2,
    people: 4,
  }) as unknown as Leaderboard;

describe("the leaderboard", () => {
  it("takes every word from the catalogue", () => {
    const data = ["Rita", "Data", "acme.example", "leaderboard optout hidden|anonymous|off"];
    for (const own of [
      null,
      { rank: 2, points: 5, hidden: true, anonymous: false },
      { rank: 2, points: 5, hidden: false, anonymous: true },
      { rank: 1, points: 25, hidden: false, anonymous: false },
    ]) {
      const message = leaderboardMessage(board(own), "Data", PSEUDO_LOCALE);
      expect(untranslated(message, data)).toEqual([]);
    }
  });

  it("reads in German, with the month's name and German numbers", () => {
    const own = { rank: 1, points: 25, hidden: false, anonymous: false };
    const text = messageText(leaderboardMessage(board(own), null, "de"));
    expect(text).toContain("Rangliste · alle · November 2026");
    expect(text).toContain(
      "1. Rita — 25 Pkt. · 12,5 Std. · 2 Abschlüsse (1 ✓ verifiziert · ausgestellt von acme.example, 1 nur Link)",
    );
    expect(text).toContain("2 weitere Personen nehmen ohne Namen teil.");
    expect(text).toContain("Du bist #1 mit 25 Pkt.");
  });
});
