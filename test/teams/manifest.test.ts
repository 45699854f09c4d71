import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { inflateSync } from "node:zlib";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import type { Activity } from "botbuilder";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandText } from "../../adapters/teams/command.ts";
import {
  APP_PACKAGE_DIR,
  buildPackage,
  fillManifest,
} from "../../adapters/teams/packaging/build.ts";
import { colorIcon, outlineIcon } from "../../adapters/teams/packaging/icons.ts";
import { tabAudience } from "../../adapters/teams/sso.ts";
import { TAB_PATH } from "../../adapters/teams/tab.ts";
import type { Actor, Core } from "../../src/commands/core.ts";
import { createCore } from "../../src/commands/router.ts";
import { messageText, type Reply } from "../../src/messages/model.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { ALICE, channelMessage, personalMessage, TENANT } from "./activities.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const schema = JSON.parse(
  readFileSync(path.join(here, "schema/MicrosoftTeams.schema.json"), "utf8"),
);
const template = readFileSync(path.join(APP_PACKAGE_DIR, "manifest.json"), "utf8");
const APP_ID = "11111111-2222-4333-8444-555555555555";

// The Teams manifest schema is draft-04 (it says so in its own $schema).
const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(schema);

interface Manifest {
  manifestVersion: string;
  id: string;
  icons: { color: string; outline: string };
  bots: {
    botId: string;
    scopes: string[];
    commandLists: { scopes: string[]; commands: { title: string; description: string }[] }[];
  }[];
  staticTabs?: { entityId: string; scopes: string[] }[];
  webApplicationInfo?: { id: string; resource: string };
}

const filled = (): Manifest => JSON.parse(fillManifest(template, { microsoftAppId: APP_ID }));

/** What the schema allows in one command list, read from the schema itself. */
const commandsSchema =
  schema.properties.bots.items.properties.commandLists.items.properties.commands;
const MAX_COMMANDS: number = commandsSchema.maxItems;
const MAX_TITLE: number = commandsSchema.items.properties.title.maxLength;
const MAX_DESCRIPTION: number = commandsSchema.items.properties.description.maxLength;

type Scope = "personal" | "team";
const listFor = (manifest: Manifest, scope: Scope) =>
  manifest.bots[0]!.commandLists.find((l) => l.scopes.includes(scope))!.commands;

/** The part of a description after "e.g.": what a person would type, e.g. "log 1.5". */
const exampleIn = (description: string) => /, e\.g\. (.+)$/.exec(description)?.[1];

/**
 * Commands left out of the channel menu: `settings` and `share` open forms and `report` shows
 * other people's progress, so asked in a channel they are answered in the personal chat anyway.
 */
const PERSONAL_ONLY = ["settings", "share", "report"];

/** Width, height and RGBA pixels of a PNG our encoder wrote (8-bit RGBA, unfiltered rows). */
function decodePng(png: Uint8Array) {
  const buf = Buffer.from(png);
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString("latin1", offset + 4, offset + 8);
    const data = buf.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([...data.subarray(8, 13)]).toEqual([8, 6, 0, 0, 0]);
    }
    if (type === "IDAT") idat.push(data);
    offset += length + 12;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const pixel = (x: number, y: number) => {
    const row = y * (width * 4 + 1);
    expect(raw[row]).toBe(0);
    const at = row + 1 + x * 4;
    return [raw[at]!, raw[at + 1]!, raw[at + 2]!, raw[at + 3]!];
  };
  return { width, height, pixel };
}

describe("Teams app manifest", () => {
  it("is valid against the Teams manifest schema once its placeholders are filled", () => {
    const ok = validate(filled());
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("would catch a broken manifest", () => {
    const wrongVersion = { ...filled(), manifestVersion: "1.0" };
    expect(validate(wrongVersion)).toBe(false);
    const manifest = filled();
    manifest.bots[0]!.scopes = ["everywhere"];
    expect(validate(manifest)).toBe(false);
    expect(validate({ ...filled(), unknownField: true })).toBe(false);
  });

  it("is the schema's manifest version and refers to the bot by its app id", () => {
    const manifest = filled();
    expect(manifest.manifestVersion).toBe(schema.properties.manifestVersion.const);
    expect(manifest.id).toBe(APP_ID);
    expect(manifest.bots[0]!.botId).toBe(APP_ID);
  });

  it("offers the bot in personal chats, teams and group chats", () => {
    expect(filled().bots[0]!.scopes.sort()).toEqual(["groupChat", "personal", "team"]);
  });

  it("has a command list per scope, each within the schema's limits", () => {
    const manifest = filled();
    const lists = manifest.bots[0]!.commandLists;
    expect(lists.flatMap((l) => l.scopes).sort()).toEqual(["groupChat", "personal", "team"]);
    expect(MAX_COMMANDS).toBeGreaterThan(0);
    for (const list of lists) {
      expect(list.commands.length).toBeGreaterThan(0);
      expect(list.commands.length).toBeLessThanOrEqual(MAX_COMMANDS);
      const titles = list.commands.map((c) => c.title);
      expect(new Set(titles).size).toBe(titles.length);
      // The rest of the commands are one `help` away.
      expect(titles).toContain("help");
      for (const { title, description } of list.commands) {
        expect(title).toMatch(/^[a-z]+$/);
        expect(title.length).toBeLessThanOrEqual(MAX_TITLE);
        expect(description.length).toBeGreaterThan(0);
        expect(description.length).toBeLessThanOrEqual(MAX_DESCRIPTION);
        const example = exampleIn(description);
        if (example) expect(example.startsWith(`${title} `)).toBe(true);
      }
    }
  });

  it("would catch a command list longer than the schema allows", () => {
    const manifest = filled();
    const list = manifest.bots[0]!.commandLists[0]!;
    list.commands = Array.from({ length: MAX_COMMANDS + 1 }, (_, i) => ({
      title: `command${i}`,
      description: "A command",
    }));
    expect(validate(manifest)).toBe(false);
  });

  it("keeps personal commands out of the channel menu", () => {
    const team = listFor(filled(), "team").map((c) => c.title);
    for (const title of PERSONAL_ONLY) expect(team).not.toContain(title);
  });

  it("refuses an app id that is not a GUID and placeholders it doesn't know", () => {
    expect(() => fillManifest(template, { microsoftAppId: "not-a-guid" })).toThrow(/GUID/);
    expect(() => fillManifest("{{SOMETHING}}", { microsoftAppId: APP_ID })).toThrow(/SOMETHING/);
    expect(() =>
      fillManifest(template, { microsoftAppId: APP_ID, websiteUrl: "http://plain.example" }),
    ).toThrow(/https/);
  });

  it("declares the Home tab and its Teams SSO when built with PUBLIC_URL, and neither without", () => {
    const withTab = JSON.parse(
      fillManifest(template, { microsoftAppId: APP_ID, publicUrl: "https://stackup.example.com/" }),
    );
    expect(validate(withTab)).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
    expect(withTab.staticTabs).toEqual([
      {
        entityId: "home",
        name: "Home",
        // Teams fills in {locale}, so the page speaks the person's language
        contentUrl: `https://stackup.example.com${TAB_PATH}?locale={locale}`,
        scopes: ["personal"],
      },
      { entityId: "conversations", scopes: ["personal"] },
    ]);
    // The audience the tab's server checks tokens for.
    expect(withTab.webApplicationInfo).toEqual({
      id: APP_ID,
      resource: tabAudience("https://stackup.example.com", APP_ID),
    });
    expect(withTab.validDomains).toEqual(["stackup.example.com"]);
    // The privacy link is this installation's own GET /privacy.
    expect(withTab.developer.privacyUrl).toBe("https://stackup.example.com/privacy");
    expect(
      JSON.parse(
        fillManifest(template, {
          microsoftAppId: APP_ID,
          websiteUrl: "https://about.example.org",
          publicUrl: "https://bot.example.net/stackup",
        }),
      ).developer.privacyUrl,
    ).toBe("https://bot.example.net/stackup/privacy");

    const without = filled();
    expect(validate(without)).toBe(true);
    expect(
      JSON.parse(fillManifest(template, { microsoftAppId: APP_ID })).developer.privacyUrl,
    ).toBe("https://stackup.example.com/privacy");
    expect(without.staticTabs).toEqual([{ entityId: "conversations", scopes: ["personal"] }]);
    expect(without.webApplicationInfo).toBeUndefined();
    expect(() =>
      fillManifest(template, { microsoftAppId: APP_ID, publicUrl: "http://plain.example" }),
    ).toThrow(/PUBLIC_URL/);
  });

  it("builds a zip with the filled manifest and both icons at its root", () => {
    const files = unzipSync(buildPackage({ microsoftAppId: APP_ID }));
    expect(Object.keys(files).sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
    const manifest = JSON.parse(new TextDecoder().decode(files["manifest.json"]));
    expect(validate(manifest)).toBe(true);
    expect(manifest.bots[0].botId).toBe(APP_ID);
    expect(new TextDecoder().decode(files["manifest.json"])).not.toContain("{{");
  });
});

describe("Teams command menu, typed into the real router", () => {
  const manifest = filled();
  const cases = (["personal", "team"] as const).flatMap((scope) =>
    listFor(manifest, scope).map((command) => ({ scope, ...command })),
  );
  const examples = cases.flatMap(({ scope, title, description }) => {
    const example = exampleIn(description);
    return example ? [{ scope, title, example }] : [];
  });

  let t: TestDatabase;
  let core: Core;
  const alice: Actor = {
    platform: "teams",
    workspaceExternalId: TENANT,
    userExternalId: ALICE.aadObjectId,
    profile: async () => ({ displayName: ALICE.name, email: null, timeZone: "Europe/Berlin" }),
  };

  beforeAll(async () => {
    t = await createTestDatabase("teams_manifest");
    core = createCore({ db: t.db, clock: new ManualClock("2026-11-30T09:00:00Z") });
  });
  afterAll(async () => {
    await t?.drop();
  });

  /** What the bot reads from a message typed in that scope: in a channel, after its @mention. */
  const typed = (scope: Scope, text: string) =>
    commandText(
      (scope === "personal"
        ? personalMessage("https://smba.example", text)
        : channelMessage("https://smba.example", text)) as Partial<Activity>,
    );
  const run = (scope: Scope, text: string) => core.command(alice, typed(scope, text));
  /** The router's answer to a word it has no command for. */
  const unknown = (reply: Reply, word: string) =>
    reply.kind === "message" && messageText(reply.message).includes(`I don't know "${word}"`);

  it("tells a misspelt command from a real one", async () => {
    expect(unknown(await run("personal", "histroy"), "histroy")).toBe(true);
    expect(unknown(await run("team", "leaderbord month"), "leaderbord")).toBe(true);
    expect(unknown(await run("personal", "history"), "history")).toBe(false);
    expect(unknown(await run("team", "leaderboard month"), "leaderboard")).toBe(false);
  });

  it.each(cases)("$scope: the router knows $title", async ({ scope, title }) => {
    // The title is exactly what the menu inserts after the mention; nothing is stripped from it.
    expect(typed(scope, title)).toBe(title);
    const reply = await run(scope, title);
    expect(unknown(reply, title)).toBe(false);
    // A form asked for in a channel would be posted there, for everyone to see.
    if (scope === "team") expect(reply.kind).not.toBe("form");
  });

  it.each(examples)("$scope: the router knows $example", async ({ scope, title, example }) => {
    expect(typed(scope, example)).toBe(example);
    expect(unknown(await run(scope, example), title)).toBe(false);
  });
});

describe("Teams app icons", () => {
  const color = readFileSync(path.join(APP_PACKAGE_DIR, "color.png"));
  const outline = readFileSync(path.join(APP_PACKAGE_DIR, "outline.png"));

  it("are what the icon generator draws", () => {
    expect(color.equals(colorIcon())).toBe(true);
    expect(outline.equals(outlineIcon())).toBe(true);
  });

  it("has a 192×192 colour icon with an opaque background", () => {
    const png = decodePng(color);
    expect([png.width, png.height]).toEqual([192, 192]);
    expect(png.pixel(0, 0)[3]).toBe(255);
    expect(png.pixel(96, 96)).toEqual([255, 255, 255, 255]);
  });

  it("has a 32×32 outline icon: white on a transparent background", () => {
    const png = decodePng(outline);
    expect([png.width, png.height]).toEqual([32, 32]);
    let white = 0;
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const [r, g, b, a] = png.pixel(x, y);
        if (a === 0) continue;
        expect([r, g, b, a]).toEqual([255, 255, 255, 255]);
        white += 1;
      }
    }
    expect(png.pixel(0, 0)[3]).toBe(0);
    expect(white).toBeGreaterThan(50);
    expect(white).toBeLessThan(32 * 32 - 50);
  });
});
