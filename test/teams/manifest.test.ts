import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { inflateSync } from "node:zlib";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import {
  APP_PACKAGE_DIR,
  buildPackage,
  fillManifest,
} from "../../adapters/teams/packaging/build.ts";
import { colorIcon, outlineIcon } from "../../adapters/teams/packaging/icons.ts";
import { COMMANDS } from "../../src/commands/grammar.ts";

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
}

const filled = (): Manifest => JSON.parse(fillManifest(template, { microsoftAppId: APP_ID }));

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

  it("offers the bot in personal chats and teams", () => {
    expect(filled().bots[0]!.scopes.sort()).toEqual(["personal", "team"]);
  });

  it("lists every command of the grammar, in each scope, with its usage", () => {
    const bot = filled().bots[0]!;
    expect(bot.commandLists.flatMap((l) => l.scopes).sort()).toEqual(["personal", "team"]);
    for (const list of bot.commandLists) {
      expect(list.commands.map((c) => c.title)).toEqual(COMMANDS.map((c) => c.name));
      for (const command of COMMANDS) {
        const entry = list.commands.find((c) => c.title === command.name)!;
        expect(entry.description).toContain(command.usage);
      }
    }
  });

  it("refuses an app id that is not a GUID and placeholders it doesn't know", () => {
    expect(() => fillManifest(template, { microsoftAppId: "not-a-guid" })).toThrow(/GUID/);
    expect(() => fillManifest("{{SOMETHING}}", { microsoftAppId: APP_ID })).toThrow(/SOMETHING/);
    expect(() =>
      fillManifest(template, { microsoftAppId: APP_ID, websiteUrl: "http://plain.example" }),
    ).toThrow(/https/);
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
