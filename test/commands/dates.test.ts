import { describe, expect, it } from "vitest";
import { parseTargetDate } from "../../src/commands/dates.ts";
import { parseGoal } from "../../src/commands/grammar.ts";
import { translator } from "../../src/i18n/index.ts";
import { parsePauseUntil } from "../../src/time/parse.ts";

// Monday 7 December 2026, 10:00 in Berlin.
const now = new Date("2026-12-07T09:00:00Z");
const at = (locale: string, timeZone = "Europe/Berlin") => ({ now, timeZone, locale });

describe("target dates in the person's language", () => {
  it.each([
    ["de-DE", "Kubernetes bis 31. März", "Kubernetes", "2027-03-31"],
    ["de-DE", "Kubernetes bis zum 31.03.2027", "Kubernetes", "2027-03-31"],
    ["de-DE", "Kubernetes in 6 Wochen", "Kubernetes", "2027-01-18"],
    ["fr-FR", "Kubernetes en 6 semaines", "Kubernetes", "2027-01-18"],
    ["fr-FR", "Kubernetes d’ici le 31 mars", "Kubernetes", "2027-03-31"],
    ["es-ES", "Kubernetes hasta el 31 de marzo", "Kubernetes", "2027-03-31"],
    ["es-ES", "Kubernetes en 6 semanas", "Kubernetes", "2027-01-18"],
    ["pt-BR", "Kubernetes até 31 de março", "Kubernetes", "2027-03-31"],
    // chrono has no Portuguese spans; Intl's unit names read them.
    ["pt-BR", "Kubernetes em 6 semanas", "Kubernetes", "2027-01-18"],
    ["ja-JP", "Kubernetes 3月31日まで", "Kubernetes", "2027-03-31"],
    ["ja-JP", "AWS認定 2027年3月31日までに", "AWS認定", "2027-03-31"],
    ["ja-JP", "AWS認定 6週間以内", "AWS認定", "2027-01-18"],
    // Japanese puts no space before the date.
    ["ja-JP", "AWS認定3月31日まで", "AWS認定", "2027-03-31"],
    ["ja-JP", "AWS認定を6週間で", "AWS認定を", "2027-01-18"],
    // English is understood whatever the person's language.
    ["de-DE", "Kubernetes by March 31", "Kubernetes", "2027-03-31"],
    ["ja-JP", "Kubernetes in 6 weeks", "Kubernetes", "2027-01-18"],
  ])("%s: goal %s", (locale, text, query, targetDate) => {
    expect(parseGoal(text, at(locale))).toMatchObject({ type: "goal", query, targetDate });
  });

  it("keeps the words in the title when what follows them is no date", () => {
    expect(parseGoal("Lernen bis zum Umfallen", at("de-DE"))).toMatchObject({
      query: "Lernen bis zum Umfallen",
      targetDate: null,
    });
    expect(parseGoal("Formation en ligne", at("fr-FR"))).toMatchObject({
      query: "Formation en ligne",
      targetDate: null,
    });
    // Another language's date words mean nothing to an English speaker.
    expect(parseGoal("Kubernetes bis 31. März", at("en-GB"))).toMatchObject({
      query: "Kubernetes bis 31. März",
      targetDate: null,
    });
    expect(parseGoal("Kubernetes in 6 Wochen", at("en-GB"))).toMatchObject({
      query: "Kubernetes in 6 Wochen",
      targetDate: null,
    });
  });

  it("says what was wrong with a date in the person's language", () => {
    const past = parseGoal("Kubernetes bis 1. März 2026", at("de-DE"));
    expect(past.type).toBe("invalid");
    if (past.type !== "invalid") return;
    expect(translator("de-DE").say(past.message)).toBe(
      "1. März 2026 liegt nicht in der Zukunft – wähl ein Datum nach heute.",
    );
    const unreadable = parseTargetDate("31. Märzz", at("de-DE"));
    expect(!unreadable.ok && translator("de-DE").say(unreadable.message)).toContain(
      "„31. Märzz“ kann ich nicht als Datum lesen. Versuch „bis 31. März“",
    );
  });

  it("reads the new-goal form's date field in the person's language", () => {
    expect(parseTargetDate("31 de marzo", at("es-ES"))).toEqual({ ok: true, date: "2027-03-31" });
    expect(parseTargetDate("6週間後", at("ja-JP"))).toEqual({ ok: true, date: "2027-01-18" });
    expect(parseTargetDate("dans 6 semaines", at("fr-FR"))).toEqual({
      ok: true,
      date: "2027-01-18",
    });
  });

  it("gives every example a locale's unreadable-date hint offers back as a date", () => {
    for (const locale of ["en", "de", "fr", "es", "pt-BR", "ja"]) {
      const hint = translator(locale).say({ key: "parse.dateUnreadable", values: { text: "@" } });
      const examples = hint
        .split(/[“”„«»"「」]/u)
        .filter((_, i) => i % 2 === 1)
        .map((s) => s.trim())
        .filter((s) => s !== "@");
      expect(examples.length, locale).toBe(3);
      for (const example of examples) {
        expect(
          parseGoal(`Kubernetes ${example}`, at(locale)),
          `${locale}: ${example}`,
        ).toMatchObject({ type: "goal", query: "Kubernetes" });
      }
    }
  });
});

describe("pausing check-ins until a date in the person's language", () => {
  it.each([
    ["de-DE", "24. Dezember", "2026-12-24"],
    ["fr-FR", "24 décembre", "2026-12-24"],
    ["es-ES", "24 de diciembre", "2026-12-24"],
    ["pt-BR", "24 de dezembro", "2026-12-24"],
    ["ja-JP", "12月24日", "2026-12-24"],
    ["de-DE", "Dec 24", "2026-12-24"],
  ])("%s: until %s", (locale, text, date) => {
    expect(parsePauseUntil(text, at(locale))).toEqual({ ok: true, value: date });
  });
});
