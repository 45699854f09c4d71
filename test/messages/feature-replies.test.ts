import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor, Core } from "../../src/commands/core.ts";
import { createCore } from "../../src/commands/router.ts";
import { PSEUDO_LOCALE } from "../../src/i18n/index.ts";
import { messageText, type Reply } from "../../src/messages/model.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { untranslated } from "./fixtures.ts";

/**
 * The replies of the privacy, share, plan, stack, xAPI and Credly commands, their buttons and
 * forms, for a person whose language is the pseudo-locale: every word must come from the
 * catalogue. What they typed (and commands, which stay English) is data.
 */
describe("feature replies in the person's language", () => {
  let t: TestDatabase;
  let core: Core;
  const person = (id: string, locale: string): Actor => ({
    platform: "slack",
    workspaceExternalId: "T1",
    userExternalId: id,
    profile: async () => ({ displayName: id, email: null, timeZone: "UTC", locale }),
  });
  const me = person("UADMIN", PSEUDO_LOCALE);

  beforeAll(async () => {
    t = await createTestDatabase("messages_feature_replies");
    core = createCore({
      db: t.db,
      clock: new ManualClock("2026-11-30T09:00:00Z"),
      admins: ["UADMIN"],
    });
  });
  afterAll(async () => {
    await t.drop();
  });

  const messageOf = (reply: Reply) => {
    if (reply.kind !== "message" && reply.kind !== "update") throw new Error(reply.kind);
    return reply.message;
  };
  const DATA = ["qqqq", "zzzz nothing", "Nope", "!!", "frob"];

  it.each([
    "my stuff",
    "delete everything",
    "delete my data",
    "my data",
    "share",
    "plan",
    "stack 99h/week",
    "stack qqqq",
    "stack define nocolon",
    "stack define : Cloud",
    "stack define dev:",
    "stack define dev: zzzz nothing",
    "xapi create",
    "xapi revoke",
    "xapi revoke Nope",
    "xapi frob",
    "xapi list",
    "xapi unmatched",
    "connect foo",
    "connect credly",
    "connect credly !!",
    "disconnect foo",
    "disconnect credly",
    "sync",
    "admin forget",
    "admin forget @nobody",
  ])("%s", async (command) => {
    const message = messageOf(await core.command(me, command));
    expect(untranslated(message, DATA)).toEqual([]);
  });

  it("answers stale buttons and forms, and form errors, from the catalogue", async () => {
    for (const [action, value] of [
      ["stack.start", "{}"],
      ["stack.show", '{"s":999}'],
      ["no.such.button", "{}"],
      ["plan.goal", '{"g":999}'],
      ["credly.owner", '{"yes":true}'],
      ["privacy.erase", "{}"],
    ] as const) {
      const reply = await core.action(me, action, value);
      if (reply.kind === "form") {
        expect(untranslated(reply.form, ["DELETE"])).toEqual([]);
        continue;
      }
      expect(untranslated(messageOf(reply), DATA), action).toEqual([]);
    }
    const stale = await core.submit(me, "no.such.form", undefined, {});
    if (!stale.ok) throw new Error("expected a reply");
    expect(untranslated(messageOf(stale.reply))).toEqual([]);
    const gone = await core.submit(me, "share.submit", "999", { text: "x" });
    if (!gone.ok) throw new Error("expected a reply");
    expect(untranslated(messageOf(gone.reply))).toEqual([]);
    const wrong = await core.submit(me, "privacy.erase", undefined, { confirm: "no" });
    if (wrong.ok) throw new Error("expected errors");
    for (const error of Object.values(wrong.errors)) expect(error).toMatch(/^⟦[^⟦⟧]*⟧$/);
  });

  it("reads in Portuguese for a pt-BR person", async () => {
    const ana = person("UANA", "pt-BR");
    expect(messageText(messageOf(await core.command(ana, "plan")))).toContain(
      "Você ainda não tem metas abertas para planejar.",
    );
    expect(messageText(messageOf(await core.command(ana, "stack define x: y")))).toContain(
      "Só administradores do espaço de trabalho podem definir trilhas.",
    );
  });
});
