import { describe, expect, it } from "vitest";
import { PSEUDO_LOCALE } from "../../src/i18n/index.ts";
import { messageText } from "../../src/messages/model.ts";
import { planForm, planMessage } from "../../src/messages/plan.ts";
import { untranslated } from "./fixtures.ts";

const input = {
  goalId: 7,
  title: "Learn Rust",
  block: { weekday: 2, time: "18:30", minutes: 90 },
  timeZone: "Europe/Paris",
  first: new Date("2026-12-01T17:30:00Z"),
  until: "2027-03-31",
  occurrences: 18,
  ics: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
};

describe("the study plan", () => {
  it("takes every word from the catalogue", () => {
    const data = ["Learn Rust", "Europe/Paris", "study-plan.ics"];
    expect(untranslated(planMessage(input, PSEUDO_LOCALE), data)).toEqual([]);
    const form = planForm(7, "Learn Rust", input.block, PSEUDO_LOCALE);
    // The day picker's options are weekday names from Intl, in the person's language.
    const days = form.inputs.flatMap((i) =>
      i.type === "select" && i.id === "day" ? i.options : [],
    );
    expect(days.map((d) => d.label)).toHaveLength(7);
    expect(untranslated(form, [...data, ...days.map((d) => d.label)])).toEqual([]);
  });

  it("reads in French, with French weekdays, times and dates", () => {
    const text = messageText(planMessage(input, "fr-FR"));
    expect(text).toContain(
      "chaque mardi à 18:30 pendant 1,5 h (Europe/Paris), du 1 déc. au 31 mars 2027 — 18 séances.",
    );
    const form = planForm(7, "Learn Rust", input.block, "fr-FR");
    const days = form.inputs.find((i) => i.id === "day");
    expect(days?.type === "select" && days.options[0]?.label).toBe("lundi");
  });
});
