import { type Activity, TestAdapter } from "botbuilder";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StackupTeamsBot } from "../../adapters/teams/bot.ts";
import { renderCard, renderFormCard } from "../../adapters/teams/cards.ts";
import { FileOfferStore } from "../../adapters/teams/file-offers.ts";
import { downloadFailedMessage, inlineImageMessage } from "../../adapters/teams/files.ts";
import { fitInlineImages } from "../../adapters/teams/images.ts";
import { mentionFailedMessage } from "../../adapters/teams/mentions.ts";
import { ConversationReferenceStore } from "../../adapters/teams/references.ts";
import {
  formErrorsMessage,
  noIdentityMessage,
  offerDeclinedMessage,
  offerGoneMessage,
  openPersonalChatMessage,
  sentPrivatelyMessage,
  uploadFailedMessage,
  welcomeMessage,
} from "../../adapters/teams/replies.ts";
import { PSEUDO_LOCALE } from "../../src/i18n/index.ts";
import { createLogger } from "../../src/log.ts";
import { untranslated } from "../messages/fixtures.ts";
import { StubCore } from "../slack/harness.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { ALICE, BOT, cardOf, PERSONAL, readCard, TENANT } from "./activities.ts";

const text = (activity: Partial<Activity>) => readCard(cardOf(activity as Record<string, unknown>));

describe("the Teams bot's own replies", () => {
  it("take every word from the catalogue", () => {
    const L = PSEUDO_LOCALE;
    const file = { filename: "report.csv", contentType: "text/csv", data: new Uint8Array() };
    const messages = [
      noIdentityMessage(L),
      offerGoneMessage(L),
      offerDeclinedMessage("report.csv", L),
      uploadFailedMessage(file, L),
      sentPrivatelyMessage(L),
      openPersonalChatMessage(L),
      downloadFailedMessage("badge.png", L),
      inlineImageMessage(L),
      mentionFailedMessage("Bob", L),
    ];
    for (const m of messages)
      expect(untranslated(m, ["report.csv", "badge.png", "Bob"])).toEqual([]);
    // The command list is made of commands (data) and their catalogue descriptions.
    const welcome = welcomeMessage(L);
    const commands = welcome.blocks.flatMap((b) =>
      b.type === "fields" ? b.fields.map((f) => String(f.label)) : [],
    );
    expect(
      untranslated(welcome, [...commands, "learn goal <credential> by <date> 3h/week"]),
    ).toEqual([]);
  });
});

describe("the Teams renderer's own notes", () => {
  const csv = { filename: "report.csv", contentType: "text/csv", data: new Uint8Array(10) };
  const message = { summary: "s", blocks: [{ type: "text" as const, text: ["x"] }], files: [csv] };

  it("say where a file is in the person's language", () => {
    expect(JSON.stringify(renderCard(message, undefined, "de-DE"))).toContain(
      "report.csv kann ich dir nur in unserem persönlichen Chat schicken",
    );
    const offered = [{ id: "o1", file: csv }];
    expect(JSON.stringify(renderCard(message, offered, "fr-FR"))).toContain(
      "Choisissez **Autoriser** ci-dessous pour enregistrer report.csv dans votre OneDrive.",
    );
  });

  it("name a picture too large to show, a required field and a form's errors", () => {
    const big = { filename: "chart.png", contentType: "image/png", data: new Uint8Array(400_000) };
    const fitted = fitInlineImages({ ...message, files: [big] }, "ja-JP");
    expect(JSON.stringify(fitted.blocks)).toContain("Teams で表示するには大きすぎます: chart.png");
    const form = {
      id: "f",
      title: "T",
      submitLabel: "OK",
      inputs: [{ type: "text" as const, id: "a", label: "A" }],
    };
    expect(JSON.stringify(renderFormCard(form, "es-ES"))).toContain('"errorMessage":"Obligatorio"');
    const errors = formErrorsMessage({ a: "⟦bad⟧" }, { a: "A" }, PSEUDO_LOCALE);
    expect(untranslated(errors, ["A"])).toEqual([]);
  });
});

describe("the Teams bot speaks the person's language when the core can't", () => {
  let t: TestDatabase;
  const core = new StubCore();
  let bot: StackupTeamsBot;

  beforeAll(async () => {
    t = await createTestDatabase("teams_locale_replies");
    bot = new StackupTeamsBot({
      core,
      store: new ConversationReferenceStore(t.db),
      offers: new FileOfferStore(t.db),
      logger: createLogger("silent"),
      appId: "",
    });
  });
  afterAll(async () => {
    await t?.drop();
  });

  const adapter = (from: Record<string, string>) =>
    new TestAdapter(async (context) => bot.run(context), {
      channelId: "msteams",
      conversation: { ...PERSONAL, tenantId: TENANT, isGroup: false, name: "" },
      from: from as never,
      recipient: { ...BOT },
    });

  it("apologises for the database in the client's language", async () => {
    core.onCommand = async () => {
      throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    };
    core.localeOf = () => undefined;
    await adapter({ ...ALICE })
      .send({ type: "message", text: "goals", locale: "ja-JP" })
      .assertReply((reply) => expect(text(reply)).toContain("データベースに接続できない"));
  });

  it("prefers the language the core last answered the person in", async () => {
    core.onCommand = async () => {
      throw new Error("a bug");
    };
    core.localeOf = (p) => (p.userExternalId === ALICE.aadObjectId ? "de-DE" : undefined);
    await adapter({ ...ALICE })
      .send({ type: "message", text: "goals", locale: "en-US" })
      .assertReply((reply) => expect(text(reply)).toContain("Bei uns ist etwas schiefgelaufen"));
  });

  it("greets a newcomer and tells a guest it can't help, each in their client's language", async () => {
    await adapter({ id: "29:new", name: "New", aadObjectId: "aad-new" })
      .send({
        type: "conversationUpdate",
        membersAdded: [{ id: BOT.id, name: BOT.name }],
        locale: "fr-FR",
      })
      .assertReply((reply) => {
        expect(text(reply)).toContain("Bienvenue dans Stackup");
        expect(text(reply)).toContain("Noter du temps d’apprentissage");
      });
    await adapter({ id: "29:guest", name: "Guest" })
      .send({ type: "message", text: "goals", locale: "es-ES" })
      .assertReply((reply) => expect(text(reply)).toContain("Solo puedo ayudar a personas"))
      .then(() => undefined);
  });
});
