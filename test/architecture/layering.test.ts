import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, posix, relative, resolve } from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

/*
 * The layers: src/ is the platform-neutral core and never imports adapters/, jobs/, bin/,
 * playground/, a platform SDK or the queue; src/domain/ never imports src/commands/ or
 * src/messages/. Biome's noRestrictedImports (biome.json) reports a crossing where it is
 * written; these tests check that the configuration does, and read every import of src/ with
 * TypeScript's own scanner (which also sees `import("…")` types Biome does not).
 */

const ROOT = resolve(import.meta.dirname, "../..");
const run = promisify(execFile);
const BIOME = join(ROOT, "node_modules/.bin/biome");

const FORBIDDEN_PACKAGES = /^(@slack\/|botbuilder($|[-/])|bullmq($|\/)|ioredis($|\/))/;
const OUTSIDE_SRC = ["adapters", "jobs", "bin", "playground"];
const ABOVE_DOMAIN = ["src/commands", "src/messages"];

const within = (file: string, dir: string) => file === dir || file.startsWith(`${dir}/`);

/** Why an import from `file` (relative to the root) of `specifier` crosses a layer, or null. */
function crossing(file: string, specifier: string): string | null {
  if (!within(file, "src")) return null;
  if (FORBIDDEN_PACKAGES.test(specifier)) return `imports ${specifier}`;
  if (!specifier.startsWith(".")) return null;
  const target = posix.normalize(posix.join(posix.dirname(file), specifier));
  const outside = OUTSIDE_SRC.find((dir) => within(target, dir));
  if (outside) return `imports ${outside}/`;
  if (within(file, "src/domain")) {
    const above = ABOVE_DOMAIN.find((dir) => within(target, dir));
    if (above) return `imports ${above}/`;
  }
  return null;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, dir), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.(ts|mts|js|mjs)$/.test(e.name))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)).split("\\").join("/"))
    .sort();
}

async function crossings(): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  for (const file of await sourceFiles("src")) {
    const text = await readFile(join(ROOT, file), "utf8");
    const imports = ts.preProcessFile(text, true, true).importedFiles.map((i) => i.fileName);
    const reasons = imports.flatMap((s) => crossing(file, s) ?? []);
    if (reasons.length > 0) found.set(file, reasons);
  }
  return found;
}

describe("layering", () => {
  it("finds no import across the layers in src/", async () => {
    expect([...(await crossings())], "src/ imports across the layers").toEqual([]);
  });

  it("tells a crossing from an import within the layers", () => {
    expect(crossing("src/domain/goals/service.ts", "../../commands/core.ts")).toMatch(/commands/);
    expect(crossing("src/domain/goals/service.ts", "../../messages/model.ts")).toMatch(/messages/);
    expect(crossing("src/domain/verification/x.ts", "./messages.ts")).toBeNull();
    expect(crossing("src/commands/router.ts", "../messages/model.ts")).toBeNull();
    expect(crossing("src/commands/router.ts", "../../jobs/checkins/index.ts")).toMatch(/jobs/);
    expect(crossing("src/ports.ts", "@slack/web-api")).toMatch(/@slack/);
    expect(crossing("src/ports.ts", "botbuilder-core")).toMatch(/botbuilder/);
    expect(crossing("src/ports.ts", "kysely")).toBeNull();
    expect(crossing("adapters/slack/app.ts", "@slack/bolt")).toBeNull();
  });

  it("has Biome's src/domain/ rule skip no file", async () => {
    const config = JSON.parse(await readFile(join(ROOT, "biome.json"), "utf8"));
    const domain = config.overrides.find((o: { includes: string[] }) =>
      o.includes.includes("src/domain/**"),
    );
    const skipped = domain.includes
      .filter((glob: string) => glob.startsWith("!"))
      .map((glob: string) => glob.slice(1))
      .sort();
    expect(skipped).toEqual([]);
  });

  describe("Biome's configuration", () => {
    let dir: string | undefined;
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it("reports every forbidden import where it is written, and none from adapters/", async () => {
      dir = await mkdtemp(join(tmpdir(), "stackup-layering-"));
      const config = JSON.parse(await readFile(join(ROOT, "biome.json"), "utf8"));
      delete config.$schema;
      config.vcs = { enabled: false };
      await writeFile(join(dir, "biome.json"), JSON.stringify(config));
      const probes: Record<string, string[]> = {
        "src/messages/probe.ts": [
          "@slack/web-api",
          "botbuilder",
          "botbuilder-core",
          "bullmq",
          "ioredis",
          "../../adapters/slack/app.ts",
          "../../jobs/checkins/index.ts",
          "../../bin/app.ts",
          "../../playground/demo.ts",
        ],
        "src/domain/goals/probe.ts": [
          "../../commands/core.ts",
          "../../messages/model.ts",
          "../../../jobs/checkins/index.ts",
          "bullmq",
        ],
        "src/domain/goals/allowed.ts": ["../../db/types.ts", "./repository.ts", "kysely"],
        "adapters/slack/allowed.ts": ["@slack/bolt", "../../src/commands/core.ts", "bullmq"],
      };
      for (const [file, specifiers] of Object.entries(probes)) {
        await mkdir(join(dir, dirname(file)), { recursive: true });
        const lines = specifiers.map((s, i) => `import type { T${i} } from "${s}";`);
        const names = specifiers.map((_, i) => `T${i}`).join(", ");
        await writeFile(join(dir, file), `${lines.join("\n")}\n\nexport type { ${names} };\n`);
      }
      const result = await run(BIOME, ["lint", "--reporter=json", "."], { cwd: dir }).catch(
        (error: { stdout: string }) => error,
      );
      const report = JSON.parse(result.stdout) as {
        diagnostics: { category: string; location: { path: string; start: { line: number } } }[];
      };
      const flagged = report.diagnostics
        .filter((d) => d.category === "lint/style/noRestrictedImports")
        .map((d) => `${d.location.path}:${d.location.start.line}`)
        .sort();
      const expected = ["src/messages/probe.ts", "src/domain/goals/probe.ts"]
        .flatMap((file) => probes[file]!.map((_, i) => `${file}:${i + 1}`))
        .sort();
      expect(flagged).toEqual(expected);
    });
  });
});
