import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverShare, type SharedLearning, saveShare } from "../../src/domain/sharing/shares.ts";
import { PSEUDO_LOCALE } from "../../src/i18n/index.ts";
import { type Message, messageText } from "../../src/messages/model.ts";
import { sharedLearningMessage, sharedMessage, shareForm } from "../../src/messages/share.ts";
import type { Destination } from "../../src/ports.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { untranslated } from "./fixtures.ts";

const L = PSEUDO_LOCALE;
const choices = { team: { name: "data-team" }, colleagues: [{ id: 4, name: "Bob Lee" }] };
const share: SharedLearning = {
  shareId: 1,
  userId: 1,
  workspaceId: 1,
  displayName: "Ada",
  goalId: 7,
  goalTitle: "Learn Rust",
  text: "Ownership is a budget.",
  sharedAt: new Date("2026-11-30T09:00:00Z"),
};
const DATA = ["Learn Rust", "data-team", "Bob Lee", "Ada", "Ownership is a budget."];

describe("sharing what one learned", () => {
  it("takes every word from the catalogue", () => {
    const messages: Message[] = [
      sharedMessage("Learn Rust", { audience: "digest", name: "" }, false, false, L),
      sharedMessage("Learn Rust", { audience: "team", name: "data-team" }, true, false, L),
      sharedMessage("Learn Rust", { audience: "colleague", name: "Bob Lee" }, false, true, L),
      sharedMessage("Learn Rust", { audience: "digest", name: "" }, false, true, L),
      sharedLearningMessage({ ...share, locales: [L] }),
    ];
    for (const m of messages) expect(untranslated(m, DATA)).toEqual([]);
    for (const named of [true, false]) {
      const form = shareForm(7, "Learn Rust", { ...choices, named }, L);
      expect(untranslated(form, DATA)).toEqual([]);
    }
  });

  it("thanks in German and says where it went", () => {
    const text = messageText(
      sharedMessage("Learn Rust", { audience: "team", name: "data-team" }, false, false, "de-DE"),
    );
    expect(text).toBe(
      "Danke, dass du teilst, was du bei Learn Rust gelernt hast. Es geht an #data-team und in den Wochenrückblick.",
    );
    const form = shareForm(7, "Learn Rust", choices, "fr-FR");
    const where = form.inputs.find((i) => i.id === "where");
    expect(where?.type === "select" && where.options.map((o) => o.label)).toEqual([
      "Seulement le récapitulatif hebdomadaire",
      "Le canal de mon équipe (#data-team)",
      "Envoyer à Bob Lee",
    ]);
  });

  it("quotes the words as the reader's language does", () => {
    expect(messageText(sharedLearningMessage({ ...share, locales: [null, "ja-JP"] }))).toContain(
      "「Ownership is a budget.」",
    );
    expect(messageText(sharedLearningMessage(share))).toContain("“Ownership is a budget.”");
  });
});

describe("a delivered share speaks its reader's language", () => {
  let t: TestDatabase;
  const posted: { to: Destination; text: string }[] = [];
  const messenger = {
    async send(to: Destination, message: Message) {
      posted.push({ to, text: messageText(message) });
      return { ref: "m" };
    },
  };
  const ids: Record<string, number> = {};
  let workspaceId = 0;

  beforeAll(async () => {
    t = await createTestDatabase("messages_share");
    const ws = await t.db
      .insertInto("workspaces")
      .values({ platform: "slack", external_id: "T1", name: "Acme", locale: "fr" })
      .returning("id")
      .executeTakeFirstOrThrow();
    workspaceId = ws.id;
    for (const [key, locale] of [
      ["ada", null],
      ["ken", "ja-JP"],
    ] as const) {
      const u = await t.db
        .insertInto("users")
        .values({
          workspace_id: ws.id,
          platform_user_id: `U${key}`,
          display_name: key,
          platform_locale: locale,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      ids[key] = u.id;
    }
  });
  afterAll(async () => {
    await t?.drop();
  });

  async function shareOf(title: string, to: "ken" | "channel") {
    const goal = await t.db
      .insertInto("goals")
      .values({ user_id: ids.ada!, title, status: "completed", completed_at: new Date() })
      .returning("id")
      .executeTakeFirstOrThrow();
    const user = await t.db
      .selectFrom("users")
      .selectAll()
      .where("id", "=", ids.ada!)
      .executeTakeFirstOrThrow();
    return saveShare(
      t.db,
      user,
      {
        goalId: goal.id,
        text: "Borrowing is lending.",
        audience: to === "ken" ? "colleague" : "team",
        teamChannelId: to === "ken" ? null : "C1",
        colleagueId: to === "ken" ? ids.ken! : null,
      },
      new Date(),
    );
  }

  it("a colleague reads it in their language, a channel in the workspace's", async () => {
    const deps = { db: t.db, messenger, now: () => new Date() };
    const toKen = await shareOf("Rust", "ken");
    expect(await deliverShare(deps, toKen.id, sharedLearningMessage)).toBe("sent");
    expect(posted.at(-1)?.text).toContain("ada さんが Rust を修了し、学んだことを共有しています");
    const toChannel = await shareOf("Go", "channel");
    expect(await deliverShare(deps, toChannel.id, sharedLearningMessage)).toBe("sent");
    expect(posted.at(-1)).toMatchObject({ to: { kind: "channel", workspaceId } });
    expect(posted.at(-1)?.text).toContain("ada a terminé Go");
  });
});
