import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalogImportCommand } from "../../bin/commands/catalog-import.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

let t: TestDatabase;
let dir: string;
beforeAll(async () => {
  t = await createTestDatabase("catalog_cmd");
  dir = mkdtempSync(join(tmpdir(), "stackup-catalog-"));
});
afterAll(async () => {
  await t?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const fixture = (name: string) => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));
const HEADER = "title,provider,url,estimated_hours,skills,cost_usd,level";

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await catalogImportCommand(argv, {
    db: t.db,
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
  });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function credentialCount(): Promise<number> {
  const row = await t.db
    .selectFrom("credentials")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe("stackup catalog import", () => {
  it("imports the example files and prints a summary", async () => {
    const before = await credentialCount();
    const csv = await run(fixture("example.csv"));
    expect(csv).toEqual({
      code: 0,
      stdout:
        "example.csv: imported: 4 credentials added, 0 updated, 0 unchanged, 0 providers added.",
      stderr: "",
    });
    const yaml = await run(fixture("example.yaml"));
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toBe(
      "example.yaml: imported: 1 credential added, 0 updated, 1 unchanged, 1 provider added, 1 stack added, 0 stacks updated.",
    );
    expect(await credentialCount()).toBe(before + 5);
  });

  it("lists each bad row with its line, exits 1 and imports nothing", async () => {
    const before = await credentialCount();
    const path = file(
      "bad.csv",
      [
        HEADER,
        "Good One,Coursera,https://e.com/1,3,,,beginner",
        "Bad Level,Coursera,https://e.com/2,3,,,expert",
        "Bad Hours,Coursera,https://e.com/3,lots,,,beginner",
      ].join("\n"),
    );
    const result = await run(path);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n")).toEqual([
      `${path}: 2 problems:`,
      'line 3: level "expert" is not one of beginner, intermediate, advanced',
      'line 4: estimated_hours "lots" is not a number',
      "nothing imported",
    ]);
    expect(await credentialCount()).toBe(before);
  });

  it("reports a stack with an unknown credential the same way, and writes nothing", async () => {
    const before = await credentialCount();
    const path = file(
      "bad-stack.yml",
      [
        "credentials:",
        "  - {title: Lonely, provider: Acme, url: 'https://e.com', estimated_hours: 2, level: beginner}",
        "stacks:",
        "  - role: x",
        "    title: X",
        "    credentials: [Lonely, Missing]",
      ].join("\n"),
    );
    const result = await run(path);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'line 6: stack "x" lists "Missing", which is neither in this file nor in the catalog',
    );
    expect(result.stderr.endsWith("nothing imported")).toBe(true);
    expect(await credentialCount()).toBe(before);
  });

  it("reads a spreadsheet export with a BOM and CRLF line endings", async () => {
    const text = `\uFEFF${HEADER}\r\n"Windows, Excel\r\nExport",Microsoft,https://e.com/w,4,excel,$10,beginner\r\n`;
    const result = await run(file("excel.CSV", text));
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toContain("1 credential added");
    const row = await t.db
      .selectFrom("credentials")
      .select(["title", "cost_usd"])
      .where("title", "=", "Windows, Excel Export")
      .executeTakeFirst();
    expect(row).toEqual({ title: "Windows, Excel Export", cost_usd: 10 });
  });

  it("refuses text that is not UTF-8 with exit 1", async () => {
    const latin1 = Buffer.concat([
      Buffer.from(`${HEADER}\nCaf`),
      Buffer.from([0xe9]),
      Buffer.from(",Acme,https://e.com,1,,,beginner\n"),
    ]);
    const result = await run(file("latin1.csv", latin1));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("is not UTF-8 text");
  });

  it("exits 2 with a friendly message on usage errors and unreadable files", async () => {
    const missingArg = await run();
    expect(missingArg.code).toBe(2);
    expect(missingArg.stderr).toMatch(
      /^catalog import needs a file to read\.\nusage: stackup catalog import FILE/,
    );

    const twoFiles = await run("a.csv", "b.csv");
    expect(twoFiles.code).toBe(2);
    expect(twoFiles.stderr).toContain("takes one file");

    const wrongExt = await run(file("catalog.txt", "whatever"));
    expect(wrongExt.code).toBe(2);
    expect(wrongExt.stderr).toContain("name the file .csv, .yaml or .yml");

    const missing = join(dir, "nope.csv");
    expect(await run(missing)).toEqual({ code: 2, stdout: "", stderr: `${missing}: no such file` });

    const folder = join(dir, "folder.yaml");
    mkdirSync(folder);
    expect(await run(folder)).toEqual({
      code: 2,
      stdout: "",
      stderr: `${folder}: is a directory, not a file`,
    });
  });

  it("prints usage on --help and exits 0", async () => {
    const result = await run("--help");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: stackup catalog import FILE/);
  });
});
