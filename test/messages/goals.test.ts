import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor, Core } from "../../src/commands/core.ts";
import { createCore } from "../../src/commands/router.ts";
import type { CatalogEntry } from "../../src/domain/catalog/repository.ts";
import { PSEUDO_LOCALE } from "../../src/i18n/index.ts";
import {
  catalogMessage,
  completedMessage,
  goalCreatedMessage,
  goalsMessage,
  loggedMessage,
  pickCredentialMessage,
  problemMessage,
  statusChangedMessage,
} from "../../src/messages/goals.ts";
import { type Message, messageText } from "../../src/messages/model.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { goalView, now, pseudo, untranslated, ZONE } from "./fixtures.ts";

const L = PSEUDO_LOCALE;
const entry: CatalogEntry = {
  id: 3,
  title: "AI for Everyone",
  provider: "DeepLearning.AI",
  url: null,
  estimatedHours: 6,
  costUsd: 49,
  level: "beginner",
  skills: ["machine learning"],
} as CatalogEntry;
const DATA = [
  "Learn Rust",
  "AI for Everyone",
  "DeepLearning.AI",
  "machine learning",
  "rusty",
  "https://badge.test/1",
  "goal <credential> by <date> 3h/week",
  "catalog [search words]",
  "goal … 5h/week",
  "catalog",
  "help",
];

describe("goal messages under the pseudo-locale", () => {
  it("every word comes from the catalogue", () => {
    const v = goalView({ target_date: "2026-12-20" });
    const paused = goalView({ status: "paused" });
    const messages: Message[] = [
      goalsMessage([], pseudo),
      goalsMessage([v, paused, goalView({ estimated_hours: null })], pseudo),
      goalCreatedMessage(v, pseudo, true),
      loggedMessage(v, 1.5, pseudo, true),
      completedMessage(v, "https://badge.test/1", "pending", L),
      completedMessage(v, null, undefined, L),
      statusChangedMessage(v, "paused", L),
      statusChangedMessage(v, "dropped", L),
      catalogMessage([entry, { ...entry, costUsd: null }], "", L),
      catalogMessage([], "rusty", L),
      pickCredentialMessage("rusty", [{ ...entry, costUsd: 0 }], { d: null, h: null }, L),
      problemMessage("⟦x⟧", "catalog [search words]", L),
    ];
    for (const message of messages) expect(untranslated(message, DATA)).toEqual([]);
  });
});

describe("goal messages in other languages", () => {
  it("German: goal set, logged and completed", () => {
    const de = { now, timeZone: ZONE, locale: "de-DE" };
    const v = goalView({ target_date: "2027-03-31" });
    expect(messageText(goalCreatedMessage(v, de, false))).toContain(
      "Ziel gesetzt: Learn Rust – 3 Std./Woche",
    );
    expect(messageText(loggedMessage(v, 0.5, de, false))).toContain(
      "0,5 Std. für Learn Rust eingetragen.",
    );
    expect(messageText(completedMessage(v, null, undefined, "de-DE"))).toContain(
      "Glückwunsch zum Abschluss von Learn Rust! 2 Std. Lernzeit.",
    );
  });

  it("prices in the locale's currency format", () => {
    expect(messageText(catalogMessage([entry], "", "fr-FR"))).toContain(
      "6 h · 49\u00a0$US · débutant",
    );
    expect(messageText(catalogMessage([entry], "", "ja-JP"))).toContain("6時間 · $49 · 初級");
  });
});

describe("help in the person's language, through the core", () => {
  let t: TestDatabase;
  let core: Core;
  const me: Actor = {
    platform: "slack",
    workspaceExternalId: "T1",
    userExternalId: "U1",
    profile: async () => ({
      displayName: "Ada",
      email: "ada@example.test",
      timeZone: ZONE,
      locale: "es-MX",
    }),
  };

  beforeAll(async () => {
    t = await createTestDatabase("messages_help");
    core = createCore({ db: t.db, clock: new ManualClock("2026-11-30T09:00:00Z") });
  });
  afterAll(async () => {
    await t.drop();
  });

  it("speaks the platform's language: Spanish for es-MX", async () => {
    const reply = await core.command(me, "help");
    if (reply.kind !== "message") throw new Error(reply.kind);
    expect(reply.message.summary).toBe("Lo que Stackup puede hacer");
    expect(messageText(reply.message)).toContain("Registrar tiempo de aprendizaje");
  });

  it("has every listed command's description in the catalogue", async () => {
    await core.command(me, `settings language ${L}`);
    const reply = await core.command(me, "help");
    if (reply.kind !== "message") throw new Error(reply.kind);
    const fields = reply.message.blocks.flatMap((b) => (b.type === "fields" ? b.fields : []));
    expect(fields.length).toBeGreaterThan(20);
    const usages = fields.map((f) => (typeof f.label === "string" ? f.label : f.label.command));
    const example = "goal Google Project Management Certificate by March 31 5h/week";
    expect(untranslated(reply.message, [...usages, example])).toEqual([]);
  });
});
