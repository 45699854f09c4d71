import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor, Core } from "../../src/commands/core.ts";
import { createCore } from "../../src/commands/router.ts";
import type { BadgeOutcome, SyncResult } from "../../src/domain/credly/service.ts";
import { localesOf } from "../../src/domain/users/locales.ts";
import { PSEUDO_LOCALE } from "../../src/i18n/index.ts";
import { credlySyncMessage, credlyText, offerMessage } from "../../src/messages/credly.ts";
import { type Message, messageText } from "../../src/messages/model.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { untranslated } from "./fixtures.ts";

const L = PSEUDO_LOCALE;
const outcome = (issuer: string | null): BadgeOutcome =>
  ({
    badge: {
      id: "b1",
      name: "AWS Cloud Practitioner",
      issuer,
      templateId: null,
      issuedTo: null,
      issuedOn: null,
      expiresOn: null,
    },
    goal: { id: 7, title: "Cloud basics" },
  }) as BadgeOutcome;
const synced = (over: Partial<Extract<SyncResult, { kind: "synced" }>>): SyncResult => ({
  kind: "synced",
  username: "ada-l",
  first: false,
  seen: 3,
  completed: [],
  confirm: [],
  offered: [],
  ...over,
});
const DATA = ["ada-l", "AWS Cloud Practitioner", "Cloud basics", "Amazon", "HTTP 503"];

describe("Credly messages", () => {
  it("take every word from the catalogue", () => {
    const results: SyncResult[] = [
      { kind: "not_linked" },
      { kind: "not_found", username: "ada-l" },
      { kind: "unreachable", username: "ada-l", message: "HTTP 503" },
      { kind: "ask_owner", username: "ada-l", names: [] },
      { kind: "ask_owner", username: "ada-l", names: ["Amazon", "Amazon"] },
      synced({ first: true }),
      synced({
        completed: [outcome(null)],
        confirm: [outcome(null)],
        offered: [outcome("Amazon"), outcome(null)],
      }),
    ];
    const messages: Message[] = results.map((r) => credlySyncMessage(r, true, L)!);
    messages.push(offerMessage("b1", "AWS Cloud Practitioner", L));
    messages.push(credlyText(L, "credly.reading", { username: "ada-l" }, "credly.publicOnly"));
    for (const m of messages) expect(untranslated(m, DATA)).toEqual([]);
  });

  it("ask whose profile it is in French, listing names as French does", () => {
    const message = credlySyncMessage(
      { kind: "ask_owner", username: "ada-l", names: ["Ada L", "A Lovelace"] },
      true,
      "fr-FR",
    )!;
    expect(messageText(message)).toContain(
      "Les badges du profil Credly ada-l sont délivrés à Ada L et A Lovelace. Est-ce votre profil ?",
    );
    expect(message.blocks.at(-1)).toMatchObject({
      type: "actions",
      buttons: [{ label: "Oui, c’est le mien" }, { label: "Non, le déconnecter" }],
    });
  });
});

describe("Credly replies and the language of a job's message", () => {
  let t: TestDatabase;
  let core: Core;
  const klaus: Actor = {
    platform: "slack",
    workspaceExternalId: "T1",
    userExternalId: "UKLAUS",
    profile: async () => ({ displayName: "Klaus", email: null, timeZone: "UTC", locale: "de-DE" }),
  };

  beforeAll(async () => {
    t = await createTestDatabase("messages_credly");
    core = createCore({ db: t.db, clock: new ManualClock("2026-11-30T09:00:00Z") });
  });
  afterAll(async () => {
    await t.drop();
  });

  it("answers a German person in German", async () => {
    const reply = await core.command(klaus, "connect credly not a profile!");
    if (reply.kind !== "message") throw new Error(reply.kind);
    expect(messageText(reply.message)).toContain(
      "Das ist keine Credly-Profiladresse und kein Benutzername.",
    );
    const sync = await core.command(klaus, "sync");
    if (sync.kind !== "message") throw new Error(sync.kind);
    expect(messageText(sync.message)).toContain("Es ist noch kein Credly-Profil verknüpft.");
  });

  it("a job finds the person's own choice first, then the platform's, then the workspace's", async () => {
    const user = await t.db.selectFrom("users").selectAll().executeTakeFirstOrThrow();
    await t.db.updateTable("workspaces").set({ locale: "es" }).execute();
    expect(await localesOf(t.db, user.id)).toEqual([null, "de-DE", "es"]);
    await t.db.updateTable("users").set({ locale: "ja" }).execute();
    expect(await localesOf(t.db, user.id)).toEqual(["ja", "de-DE", "es"]);
    expect(await localesOf(t.db, user.id + 1000)).toEqual([]);
  });
});
