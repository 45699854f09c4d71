import { describe, expect, it } from "vitest";
import type { UnmatchedGroup } from "../../src/domain/xapi/statements.ts";
import { translator } from "../../src/i18n/index.ts";
import { messageText } from "../../src/messages/model.ts";
import {
  credentialIssuedMessage,
  credentialListMessage,
  lmsCompletedMessage,
  unmatchedMessage,
} from "../../src/messages/xapi.ts";
import { now, pseudo, untranslated, ZONE } from "./fixtures.ts";

const L = pseudo.locale;
const issued = { id: 1, name: "Moodle", key: "k-123", secret: "s-456" };
const listed = [{ name: "Moodle", key: "k-123", createdAt: new Date("2026-10-02T08:00:00Z") }];
const latest = new Date("2026-11-28T17:05:00Z");
const group = (outcome: UnmatchedGroup["outcome"], activity: string | null): UnmatchedGroup => ({
  outcome,
  actor: "ada@example.test",
  activity,
  count: outcome === "no_goal" ? 1 : 4,
  latest,
});
const notice = {
  workspaceId: 1,
  statementId: "st-1",
  userId: 2,
  goalId: 7,
  goalTitle: "Learn Rust",
  lms: "Moodle",
  verb: "passed" as const,
  next: { stack: "Systems", credentialId: 9, title: "Rust in production" },
};
const DATA = [
  "Moodle",
  "k-123",
  "s-456",
  "ada@example.test",
  "https://lms.test/a/1",
  "Learn Rust",
  "Systems",
  "Rust in production",
  "1.0.3",
  "2.0.0",
  "/xapi/",
  "xapi_activities",
  "admin xapi create <LMS name>",
  "connect credly <profile URL or username>",
  translator(L).shortDate("2026-10-02", true),
  translator(L).dateTime(latest, ZONE, 2026),
];

describe("xAPI messages", () => {
  it("take every word from the catalogue", () => {
    const messages = [
      credentialIssuedMessage(issued, L),
      credentialListMessage([], pseudo),
      credentialListMessage(listed, pseudo),
      unmatchedMessage([], 30, pseudo),
      unmatchedMessage(
        [
          group("unknown_actor", null),
          group("unknown_activity", "https://lms.test/a/1"),
          group("no_goal", "https://lms.test/a/1"),
        ],
        30,
        pseudo,
      ),
      lmsCompletedMessage(notice, L),
      lmsCompletedMessage({ ...notice, verb: "completed", next: null }, L),
    ];
    for (const m of messages) expect(untranslated(m, DATA)).toEqual([]);
  });

  it("tell a Japanese learner what the LMS reported, and a Spanish admin what is unplaced", () => {
    expect(messageText(lmsCompletedMessage(notice, "ja-JP"))).toContain(
      "Moodle から Learn Rust を合格したと報告があったため、目標を修了にしました。",
    );
    const es = { now, timeZone: ZONE, locale: "es-ES" };
    const text = messageText(unmatchedMessage([group("unknown_actor", null)], 30, es));
    expect(text).toContain(
      "4 declaraciones, la última el sáb, 28 nov, 18:05: nadie aquí tiene ese correo o esa cuenta",
    );
    expect(messageText(credentialListMessage(listed, es))).toContain("desde el 2 oct 2026");
  });
});
