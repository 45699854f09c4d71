import { describe, expect, it } from "vitest";
import type { ProgressEntry } from "../../src/domain/goals/repository.ts";
import { messageText } from "../../src/messages/model.ts";
import { changeHoursForm, correctionMessage, historyMessage } from "../../src/messages/progress.ts";
import { goalView, now, pseudo, untranslated, ZONE } from "./fixtures.ts";

const entry = (over: Partial<ProgressEntry> = {}): ProgressEntry => ({
  id: 1,
  goalId: 7,
  userId: 1,
  hours: 1.25,
  note: "chapter 3",
  occurredAt: new Date("2026-11-27T16:30:00Z"),
  goalTitle: "Learn Rust",
  goalStatus: "active",
  ...over,
});
const DATA = [
  "Learn Rust",
  "chapter 3",
  "log <hours> [goal] [note]",
  "undo",
  "fix <hours>",
  "history",
];

describe("history and corrections", () => {
  it("take every word from the catalogue", () => {
    const done = entry({
      id: 2,
      goalStatus: "completed",
      occurredAt: new Date("2025-12-01T09:00:00Z"),
    });
    const messages = [
      historyMessage([entry(), done], pseudo),
      historyMessage([], pseudo, { goalTitle: "Learn Rust", filter: 7 }),
      correctionMessage({ before: entry(), hours: null, view: goalView() }, pseudo),
      correctionMessage({ before: entry(), hours: 2, view: goalView() }, pseudo),
    ];
    for (const m of messages) expect(untranslated(m, DATA)).toEqual([]);
    expect(untranslated(changeHoursForm(entry(), pseudo, 7, 24), DATA)).toEqual([]);
  });

  it("read in Brazilian Portuguese, with dates and hundredths as Brazil writes them", () => {
    const pt = { now, timeZone: ZONE, locale: "pt-BR" };
    const text = messageText(historyMessage([entry()], pt));
    expect(text).toContain("Seu progresso recente");
    expect(text).toContain("sex., 27 de nov., 17:30 · 1,25 h · Learn Rust — “chapter 3”");
    expect(text).toContain("[Desfazer] [Alterar…]");
    const fixed = messageText(
      correctionMessage({ before: entry(), hours: 2, view: goalView() }, pt),
    );
    expect(fixed).toContain("Alteradas 1,25 h para 2 h em Learn Rust");
  });
});
