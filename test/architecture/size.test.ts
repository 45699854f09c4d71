import { readdir, readFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/*
 * Files and functions a reader can hold: no source file over 500 lines and no function over 80
 * (its whole body, inner functions included) outside the tests. What is longer is listed below
 * with the reason; an entry that is no longer over the limit fails, so the list only shrinks.
 */
const MAX_FILE_LINES = 500;
const MAX_FUNCTION_LINES = 80;

const ROOT = resolve(import.meta.dirname, "../..");
const SOURCE_DIRS = ["src", "adapters", "jobs", "bin", "playground", "bench", "scripts"];

/** "path" for a file, "path#name" for a function (the first such name in that file). */
const ALLOWED: Record<string, string> = {
  "migrations/*#up":
    "a migration records one schema change as it ran and is never edited afterwards; its length is the schema's",
  "src/config.ts#loadConfig":
    "one flat list, a line or two per environment variable, so every setting is read and checked in one place",
  "src/domain/catalog/import-parse.ts#parseCsv":
    "a character-level CSV reader kept as one loop so its state stays in locals",
  "src/domain/catalog/import.ts#write": "one transaction writing providers, credentials and stacks",
  "src/domain/org/import.ts#importOrg": "one transaction applying an org chart import",
  "src/domain/org/import.ts#importOrg callback": "the transaction of importOrg",
  "src/domain/verification/keys.ts#resolveVerificationMethod":
    "one case per kind of key reference (DID methods, JWKS, HTTP keys)",
  "src/domain/verification/ob3.ts#verifyOb3": "the 3.0 verification steps in the spec's order",
  "adapters/slack/messenger.ts#createSlackMessenger": "the Slack messenger as one closure",
  "src/domain/checkins/people.ts#loadPeople":
    "one pass loading everything a chunk's check-ins are composed from, so a chunk costs a few statements",
  "src/domain/xapi/statements.ts#write":
    "one transaction storing a statement and the progress it adds",
  "adapters/xapi/http.ts#createXapiHandler": "the xAPI endpoint's routes in one closure",
  "adapters/xapi/http.ts#handle": "the xAPI endpoint's dispatch by method and path",
  "playground/demo.ts#seedDemo": "the demo data, written out",
  "playground/demo.ts#seedDemo callback": "the demo data's transaction",
  "playground/page/app.js#draw": "the page's whole rendering",
};

interface Oversize {
  key: string;
  lines: number;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, dir), { recursive: true, withFileTypes: true }).catch(
    () => [],
  );
  return entries
    .filter((e) => e.isFile() && /\.(ts|mts|js|mjs)$/.test(e.name) && !e.name.endsWith(".d.ts"))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)).split("\\").join("/"));
}

function functionName(node: ts.SignatureDeclaration): string {
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) {
    return parent.name.getText();
  }
  // A callback is named after the function it is written in.
  for (let up: ts.Node = parent; up; up = up.parent) {
    if (ts.isFunctionLike(up)) return `${functionName(up)} callback`;
  }
  return "(anonymous)";
}

/** A file over the line limit and its functions over theirs, by the keys ALLOWED uses. */
function measure(file: string, text: string): Oversize[] {
  const found: Oversize[] = [];
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const line = (pos: number) => source.getLineAndCharacterOfPosition(pos).line;
  const lines = line(text.length) + (text.endsWith("\n") ? 0 : 1);
  if (lines > MAX_FILE_LINES) found.push({ key: file, lines });
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const length = line(node.end) - line(node.getStart(source)) + 1;
      if (length > MAX_FUNCTION_LINES) {
        found.push({ key: `${file}#${functionName(node)}`, lines: length });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

async function oversize(files: string[]): Promise<Oversize[]> {
  const found: Oversize[] = [];
  for (const file of files) found.push(...measure(file, await readFile(join(ROOT, file), "utf8")));
  return found;
}

const allowed = (key: string) =>
  key in ALLOWED || (/^migrations\/[^/]+#up$/.test(key) && "migrations/*#up" in ALLOWED);

describe("sizes", () => {
  it("keeps files to 500 lines and functions to 80 outside the tests, but the few listed", async () => {
    const files = (await Promise.all(SOURCE_DIRS.map(sourceFiles))).flat();
    const found = await oversize([...files, ...(await sourceFiles("migrations"))]);
    const unlisted = found.filter((o) => !allowed(o.key)).map((o) => `${o.key} (${o.lines})`);
    expect(unlisted, "split these, or list them with the reason").toEqual([]);
    const keys = new Set(found.map((o) => o.key));
    const stale = Object.keys(ALLOWED).filter(
      (key) => !keys.has(key) && !(key === "migrations/*#up" && [...keys].some(allowed)),
    );
    expect(stale, "no longer over the limit: remove from ALLOWED").toEqual([]);
  });

  it("counts a function's whole body, inner functions included, and names arrow functions", () => {
    const body = (n: number, indent: string) => `${indent}work();\n`.repeat(n);
    const text = [
      `export function outer() {\n${body(40, "  ")}  function inner() {\n${body(40, "    ")}  }\n}\n`,
      `const arrow = async () => {\n${body(81, "  ")}};\n`,
      `const short = () => {\n${body(78, "  ")}};\n`,
    ].join("");
    expect(measure("x.ts", text)).toEqual([
      { key: "x.ts#outer", lines: 84 },
      { key: "x.ts#arrow", lines: 83 },
    ]);
    expect(measure("y.ts", "a;\n".repeat(501))).toEqual([{ key: "y.ts", lines: 501 }]);
    expect(measure("y.ts", "a;\n".repeat(500))).toEqual([]);
  });
});
