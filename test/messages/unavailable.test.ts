import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor, Core } from "../../src/commands/core.ts";
import { createCore } from "../../src/commands/router.ts";
import { PSEUDO_LOCALE } from "../../src/i18n/index.ts";
import { RememberedLocales } from "../../src/i18n/remembered.ts";
import { messageText } from "../../src/messages/model.ts";
import {
  busyMessage,
  databaseUnavailableMessage,
  explainFailure,
  sorryMessage,
} from "../../src/messages/unavailable.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { untranslated } from "./fixtures.ts";

const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), {
  code: "ECONNREFUSED",
});

describe("apologies", () => {
  it("take every word from the catalogue", () => {
    for (const make of [busyMessage, sorryMessage, databaseUnavailableMessage]) {
      expect(untranslated(make(PSEUDO_LOCALE))).toEqual([]);
    }
  });

  it("say the database is out of reach in the person's language, and nothing else is explained", () => {
    expect(messageText(explainFailure(refused, "de-DE")!)).toBe(
      "Stackup erreicht seine Datenbank gerade nicht, deshalb wurde nichts gespeichert. Versuch es bitte in einer Minute noch mal.",
    );
    expect(explainFailure(refused)?.summary).toMatch(/^Stackup can't reach its database/);
    expect(explainFailure(new Error("syntax error"), "de-DE")).toBeNull();
    expect(busyMessage("ja-JP").summary).toContain("混み合って");
  });
});

describe("the remembered language", () => {
  it("keeps the newest people and forgets the oldest past its bound", () => {
    const memory = new RememberedLocales(2);
    memory.remember("w", "a", "de-DE");
    memory.remember("w", "b", "fr-FR");
    memory.remember("w", "a", "de-DE");
    memory.remember("w", "c", "ja-JP");
    expect([memory.of("w", "a"), memory.of("w", "b"), memory.of("w", "c")]).toEqual([
      "de-DE",
      undefined,
      "ja-JP",
    ]);
  });
});

describe("the core remembers whose language it spoke", () => {
  let t: TestDatabase;
  let core: Core;
  const person = (id: string, locale: string | null): Actor => ({
    platform: "slack",
    workspaceExternalId: "T1",
    userExternalId: id,
    profile: async () => ({ displayName: id, email: null, timeZone: "UTC", locale }),
  });

  beforeAll(async () => {
    t = await createTestDatabase("messages_unavailable");
    core = createCore({ db: t.db, clock: new ManualClock("2026-11-30T09:00:00Z") });
  });
  afterAll(async () => {
    await t.drop();
  });

  it("knows nobody it has not answered, then each person's language, then the workspace's", async () => {
    const ada = person("U1", "de-DE");
    expect(core.localeOf?.(ada)).toBeUndefined();
    await core.command(ada, "help");
    expect(core.localeOf?.(ada)).toBe("de-DE");
    await t.db.updateTable("workspaces").set({ locale: "fr" }).execute();
    await core.command(person("U2", "ko-KR"), "help");
    expect(core.localeOf?.(person("U2", null))).toBe("fr");
    // Someone not yet answered in that workspace gets its language; another workspace none.
    expect(core.localeOf?.(person("U3", null))).toBe("fr");
    expect(core.localeOf?.({ ...ada, workspaceExternalId: "T2" })).toBeUndefined();
  });
});
