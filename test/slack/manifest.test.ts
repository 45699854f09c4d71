import { readdirSync, readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  SLACK_COMMANDS,
  SLACK_EVENTS,
  SLACK_EVENTS_PATH,
  SLACK_OAUTH_REDIRECT_PATH,
  SLACK_SCOPES,
} from "../../adapters/slack/app.ts";
import { sign, slashCommandBody } from "../support/slack-signing.ts";
import { eventually, type Harness, startHarness } from "./harness.ts";

const root = new URL("../../", import.meta.url);
const schemaDir = new URL("./schema/", import.meta.url);
const readJson = (name: string) =>
  JSON.parse(readFileSync(new URL(name, schemaDir), "utf8")) as Record<string, unknown>;

interface Manifest {
  features: {
    slash_commands: { command: string; url: string; usage_hint?: string }[];
    app_home: { home_tab_enabled: boolean; messages_tab_enabled: boolean };
  };
  oauth_config: { redirect_urls?: string[]; scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
  };
}

const manifestText = readFileSync(new URL("manifest.yml", root), "utf8");
const manifest = parse(manifestText) as Manifest;

/** The manifest schema is draft-07 (its $schema says so), which is Ajv's default class. */
function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  // The schema spells a pattern as "regex" in places; check it rather than ignore it.
  ajv.addKeyword({
    keyword: "regex",
    type: "string",
    schemaType: "string",
    validate: (pattern: string, data: string) => new RegExp(pattern).test(data),
  });
  const base = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/";
  ajv.addSchema(readJson("manifest.schema.1.0.0.json"), `${base}manifest.schema.1.0.0.json`);
  ajv.addSchema(readJson("manifest.schema.2.0.0.json"), `${base}manifest.schema.2.0.0.json`);
  return ajv.compile(readJson("manifest.schema.json"));
}

/** Which bot scope each Web API method needs; a new method must be added here to pass. */
const SCOPE_FOR_METHOD: Record<string, string | null> = {
  "chat.postMessage": "chat:write",
  "chat.postEphemeral": "chat:write",
  "chat.update": "chat:write",
  "conversations.open": "im:write",
  "conversations.history": "im:history",
  "users.info": "users:read",
  "files.getUploadURLExternal": "files:write",
  "files.completeUploadExternal": "files:write",
  "views.open": null,
  "views.push": null,
  "views.publish": null,
  "views.update": null,
  "auth.test": null,
};

/** Which bot scope each subscribed event needs. */
const SCOPE_FOR_EVENT: Record<string, string | null> = {
  app_home_opened: null,
  "message.im": "im:history",
  app_uninstalled: null,
  tokens_revoked: null,
  user_change: "users:read",
};

describe("manifest.yml", () => {
  it("validates against Slack's manifest schema", () => {
    const validate = validator();
    const ok = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("the schema check can fail: a bad command and an unknown key are rejected", () => {
    const validate = validator();
    const broken = structuredClone(manifest) as unknown as Record<string, Record<string, unknown>>;
    (broken.features as { slash_commands: { command: string }[] }).slash_commands[0]!.command =
      "learn";
    expect(validate(broken)).toBe(false);
    expect(validate({ ...manifest, surprise: true })).toBe(false);
  });

  it("declares exactly the commands the code handles, each with a usage hint and our URL", () => {
    const commands = manifest.features.slash_commands;
    expect(commands.map((c) => c.command).sort()).toEqual([...SLACK_COMMANDS].sort());
    for (const command of commands) {
      expect(command.usage_hint).toBeTruthy();
      expect(new URL(command.url).pathname).toBe(SLACK_EVENTS_PATH);
    }
  });

  it("subscribes to exactly the events the code handles", () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(
      [...SLACK_EVENTS].sort(),
    );
    expect(new URL(manifest.settings.event_subscriptions.request_url).pathname).toBe(
      SLACK_EVENTS_PATH,
    );
  });

  it("sends Add to Slack installers back to the OAuth redirect path", () => {
    const urls = manifest.oauth_config.redirect_urls ?? [];
    expect(urls.map((u) => new URL(u).pathname)).toEqual([SLACK_OAUTH_REDIRECT_PATH]);
  });

  it("turns on interactivity and both App Home tabs", () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(new URL(manifest.settings.interactivity.request_url).pathname).toBe(SLACK_EVENTS_PATH);
    expect(manifest.features.app_home).toMatchObject({
      home_tab_enabled: true,
      messages_tab_enabled: true,
    });
  });

  it("asks for exactly the scopes the code uses", () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...SLACK_SCOPES].sort());

    // Scopes implied by the Web API methods the adapter calls, plus commands and the email read.
    const dir = new URL("adapters/slack/", root);
    const source = readdirSync(dir)
      .filter((f) => f.endsWith(".ts"))
      .map((f) => readFileSync(new URL(f, dir), "utf8"))
      .join("\n");
    const methods = new Set(
      [...source.matchAll(/client\.(chat|conversations|users|views|files)\.(\w+)\(/g)].map(
        (m) => `${m[1]}.${m[2]}`,
      ),
    );
    expect(methods.size).toBeGreaterThan(5);
    const implied = new Set<string>(["commands", "users:read.email"]);
    for (const method of methods) {
      expect(SCOPE_FOR_METHOD, `scope for ${method}`).toHaveProperty([method]);
      const scope = SCOPE_FOR_METHOD[method];
      if (scope) implied.add(scope);
    }
    for (const event of SLACK_EVENTS) {
      expect(SCOPE_FOR_EVENT, `scope for event ${event}`).toHaveProperty([event]);
      const scope = SCOPE_FOR_EVENT[event];
      if (scope) implied.add(scope);
    }
    // Downloading a shared file with the bot token needs files:read.
    if (source.includes("url_private_download")) implied.add("files:read");
    expect([...implied].sort()).toEqual([...SLACK_SCOPES].sort());
  });
});

describe("every declared command reaches the core", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it.each(manifest.features.slash_commands.map((c) => c.command))("%s", async (command) => {
    const signed = sign(
      slashCommandBody({ command, text: "help", responseUrl: h.fake.responseUrl() }),
    );
    expect((await h.post(SLACK_EVENTS_PATH, signed.body, signed.headers)).status).toBe(200);
    await eventually(() => h.core.calls.find((c) => c.kind === "command"));
  });
});
