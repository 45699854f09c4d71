import { describe, expect, it } from "vitest";
import { tickStep, weeklyHoursSvg } from "../../src/domain/reports/chart.ts";
import type { TeamDigest } from "../../src/domain/reports/digest.ts";
import { PSEUDO_LOCALE, translator } from "../../src/i18n/index.ts";
import { messageText } from "../../src/messages/model.ts";
import { chartOf, digestMessage } from "../../src/messages/org.ts";
import { untranslated } from "./fixtures.ts";

function digest(over: Partial<TeamDigest> = {}): TeamDigest {
  const shown = { revoked: false, trusted: true, issuerDomain: "acme.test", anonymous: false };
  return {
    team: {
      id: 1,
      workspace_id: 1,
      name: "Data",
      channel_id: "C1",
      channel_name: "data",
      digest_day: 1,
      digest_time: "09:00",
      digest_time_zone: "Europe/Berlin",
    },
    digestDate: "2026-11-30",
    weekStarts: ["2026-11-09", "2026-11-16", "2026-11-23"],
    weeklyHours: [2, 0, 4.5],
    hours: 4.5,
    lastWeekHours: 0,
    top: [{ name: "Rita", points: 12.5, hours: 4.5 }],
    completions: [
      {
        ...shown,
        status: "verified",
        person: "Rita",
        credential: "Rust book",
        provider: "Acme",
        url: null,
      },
      { ...shown, status: "link_only", person: "Rob", credential: "Go", provider: null, url: null },
    ],
    newGoals: [{ person: "Rob", title: "Go" }],
    stacks: [{ person: "Rita", stack: "Analyst stack" }],
    shares: [{ person: "Rita", goal: "Rust book", text: "Ownership first." }],
    unnamed: { completions: 1, newGoals: 2, stacks: 0, shares: 1 },
    members: 3,
    ...over,
  } as TeamDigest;
}

const DATA = ["Data", "Rita", "Rob", "Rust book", "Acme", "acme.test", "Go", "Analyst stack"];

describe("the team digest in the workspace's language", () => {
  it("every word of a busy and of a quiet digest comes from the catalogue", () => {
    const quiet = digest({
      top: [],
      completions: [],
      newGoals: [],
      stacks: [],
      shares: [],
      unnamed: { completions: 0, newGoals: 0, stacks: 0, shares: 0 },
    });
    for (const d of [digest(), quiet]) {
      const message = digestMessage(d, chartOf(d, PSEUDO_LOCALE), PSEUDO_LOCALE);
      expect(untranslated(message, [...DATA, "Ownership first.", "log 1"])).toEqual([]);
    }
  });

  it("German: words, dates, hours and the chart's alt text", () => {
    const d = digest();
    const message = digestMessage(d, chartOf(d, "de"), "de");
    const text = messageText(message);
    expect(text).toContain("Data · Woche vom 23. Nov. bis 29. Nov. 2026");
    expect(text).toContain(
      "4,5 Std. hat das Team eingetragen, 4,5 Std. mehr als in der Woche davor",
    );
    expect(text).toContain("Rust book · Acme — Rita · ✓ verifiziert · ausgestellt von acme.test");
    expect(text).toContain("1 Abschluss, 1 geteilte Erkenntnis, 2 neue Ziele");
    expect(message.files?.[0]?.title).toBe(
      "Balkendiagramm der Teamstunden pro Woche in den letzten 3 Wochen: " +
        "Woche vom 9. Nov.: 2 Std., Woche vom 16. Nov.: 0 Std., Woche vom 23. Nov.: 4,5 Std.",
    );
  });
});

describe("the digest chart", () => {
  const ticks = (svg: string) =>
    [...svg.matchAll(/text-anchor="end" fill="#616061">([^<]*)</g)].map((m) => m[1]);

  it("has round ticks: an empty week reads 0 to 4, not 0, 0.3, 0.5…", () => {
    expect(ticks(weeklyHoursSvg("t", ["2026-11-23"], [0]))).toEqual(["0", "1", "2", "3", "4"]);
    expect(ticks(weeklyHoursSvg("t", ["2026-11-23"], [17]))).toEqual(["0", "5", "10", "15", "20"]);
    expect([0, 3, 4, 4.5, 9, 17, 41, 130].map(tickStep)).toEqual([1, 1, 1, 2, 5, 5, 20, 50]);
  });

  it("labels weeks, numbers and the axis in the locale", () => {
    const t = translator("de");
    const svg = weeklyHoursSvg("Data", ["2026-11-23"], [1234.5], {
      axis: t.t("chart.axis"),
      number: (n) => t.num(n),
      week: (iso) => t.shortDate(iso),
    });
    expect(svg).toContain(">1.234,5<");
    expect(svg).toContain(">23. Nov.<");
    expect(svg).toContain(">Wochenbeginn · eingetragene Stunden<");
    expect(ticks(svg)).toEqual(["0", "500", "1.000", "1.500", "2.000"]);
  });
});
