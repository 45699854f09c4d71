import { describe, expect, it } from "vitest";
import type { AuditRow } from "../../src/domain/audit/log.ts";
import type { PersonalData } from "../../src/domain/privacy/export.ts";
import type { LimitedAction } from "../../src/domain/privacy/limits.ts";
import { translator } from "../../src/i18n/index.ts";
import { messageText } from "../../src/messages/model.ts";
import {
  auditMessage,
  eraseAskMessage,
  eraseForm,
  exportMessage,
  rateLimitedMessage,
  rateLimitedText,
} from "../../src/messages/privacy.ts";
import { pseudo, untranslated } from "./fixtures.ts";

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i }));
const data = (views: number): PersonalData => ({
  generatedAt: "2026-11-30T09:00:00Z",
  person: {},
  tables: { goals: rows(1), progress_events: rows(3), completions: [], shares: rows(2) },
  reportViews: Array.from({ length: views }, (_, i) => ({
    at: "2026-11-20T15:30:00Z",
    viewer: i % 2 ? null : "Cleo",
    scope: "team",
  })),
});
const audit = (subjects: number[]): AuditRow => ({
  id: 1,
  at: new Date("2026-11-29T08:00:00Z"),
  action: "report.view",
  scope: "team",
  actorId: 3,
  actorName: null,
  subjectIds: subjects,
  detail: {},
});
const names = new Map([[1, "Ada"]]);
const limit = { max: 5, windowMs: 3_600_000, retryAfterMs: 55 * 60_000 };
const ACTIONS: LimitedAction[] = ["share", "report", "export", "sync"];
// Audit lines show the action and scope codes as recorded, like a log.
// Dates come from Intl in the person's locale, not from the catalogue.
const DATES = ["2026-11-20T15:30:00Z", "2026-11-29T08:00:00Z"].map((at) =>
  translator(pseudo.locale).dateTime(new Date(at), pseudo.timeZone, 2026),
);
const DATA = ["Cleo", "Ada", "report.view", "team", "Stackup", ...DATES];

describe("the data rights messages", () => {
  it("take every word from the catalogue", () => {
    const L = pseudo.locale;
    const messages = [
      exportMessage(data(0), [], pseudo),
      exportMessage(data(23), [], pseudo),
      eraseAskMessage(L),
      auditMessage([], names, 1, pseudo, null),
      auditMessage([audit([1, 2]), audit([1, 2, 4, 5])], names, 30, pseudo, null),
      auditMessage(Array(21).fill(audit([])), names, 7, pseudo, null),
      ...ACTIONS.map((a) => rateLimitedMessage(a, limit, L)),
      rateLimitedMessage("share", { max: 3, windowMs: 600_000, retryAfterMs: 60_000 }, L),
      rateLimitedMessage("share", { max: 3, windowMs: 86_400_000, retryAfterMs: 7_200_000 }, L),
    ];
    for (const m of messages) expect(untranslated(m, DATA)).toEqual([]);
    expect(untranslated(eraseForm(L), ["DELETE"])).toEqual([]);
  });

  it("count in the person's language and date in their zone", () => {
    const fr = { ...pseudo, locale: "fr-FR" };
    const text = messageText(exportMessage(data(1), [], fr));
    expect(text).toContain("1 objectif, 3 entrées de progression, 0 réussite et 2 partages");
    expect(text).toContain("• Cleo, ven. 20 nov., 16:30 (team)");
    const de = messageText(
      auditMessage([audit([1, 2])], names, 1, { ...pseudo, locale: "de" }, null),
    );
    expect(de).toContain("Protokoll · letzter Tag");
    expect(de).toContain(
      "jemand, der nicht mehr da ist · report.view · team · Ada, jemand, der nicht mehr da ist",
    );
  });

  it("say how long to wait, in the person's words", () => {
    expect(rateLimitedText("share", limit, "de-DE")).toBe(
      "Du hast in der letzten Stunde 5-mal geteilt. Warte bitte 55 Minuten und versuch es dann noch mal. Es wurde nichts geteilt; dein Text ist noch da.",
    );
    expect(rateLimitedText("export", { ...limit, retryAfterMs: 3_600_000 }, "ja-JP")).toBe(
      "過去1時間にデータを5回リクエストしています。1時間ほど待ってから、もう一度お試しください。コピーは作成していません。",
    );
  });
});
