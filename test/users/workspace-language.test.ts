import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor, Core } from "../../src/commands/core.ts";
import { createCore } from "../../src/commands/router.ts";
import { translator } from "../../src/i18n/index.ts";
import { messageText } from "../../src/messages/model.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

describe("a person with no language of their own", () => {
  let t: TestDatabase;
  let core: Core;
  const clock = new ManualClock("2026-12-07T09:00:00Z");
  const eve: Actor = {
    platform: "slack",
    workspaceExternalId: "T1",
    userExternalId: "U0EVE",
    profile: async () => ({ displayName: "Eve", email: null, timeZone: "Europe/Paris" }),
  };
  const goals = async () => {
    const reply = await core.command(eve, "goals");
    if (reply.kind !== "message") throw new Error(`got ${reply.kind}`);
    return messageText(reply.message);
  };

  beforeAll(async () => {
    t = await createTestDatabase("workspace_language");
    core = createCore({ db: t.db, clock });
  });
  afterAll(() => t?.drop());

  it("is answered in the workspace's language, on first contact and after", async () => {
    const english = await goals();
    await t.db.updateTable("workspaces").set({ locale: "fr" }).execute();
    const fr = translator("fr");
    // first contact made the user; this one reads the workspace's language with the person
    const french = await goals();
    expect(french).not.toBe(english);
    expect(french).toContain(fr.t("goals.none").slice(0, 12));
    await t.db
      .updateTable("users")
      .set({ updated_at: new Date(0) })
      .execute();
    // a refreshed profile carries no workspace language: it is asked for
    expect(await goals()).toBe(french);
  });
});
