import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/*
 * User-facing text comes from the catalogue (src/i18n/locales). This reads the commands, features and
 * message builders with TypeScript's parser and reports every string in them that reads as prose
 * (two words or more) where code does not use it as something other than text for a person:
 * catalogue keys and values passed to the Translator, command syntax (usage lines, keywords),
 * log lines and errors thrown to the code, ids, comparisons and types.
 */

const ROOT = join(import.meta.dirname, "../..");
const DIRS = ["src/commands", "src/commands/features", "src/messages"];

/** Reads as words for a person: two words of letters, or one ending a sentence. */
const PROSE =
  /\p{L}{2,}[\s\p{P}]*\s[\s\p{P}]*\p{L}|\p{L}[\s\p{P}]*\s[\s\p{P}]*\p{L}{2,}|\p{L}{2,}[.!?…]$/u;
/** Command syntax and formats: usage lines ("catalog [search words]"), date patterns. */
const SYNTAX = /[[\]<>|]|^[dLyEHhms\s,.:-]+$/;

/** Calls whose string arguments are not shown to a person as they are. */
const NOT_SHOWN_CALLS = new Set([
  // Catalogue lookups: the argument is a key (or a key's values, data).
  "t",
  "rich",
  "lookup",
  "say",
  "translator",
  "problemIn",
  "saidMessage",
  // Logs, errors for the code, module loading and parsing.
  "debug",
  "info",
  "warn",
  "error",
  "fatal",
  "trace",
  "require",
  "resolve",
  "RegExp",
  "Error",
  "TypeError",
  "RangeError",
  "exec",
  "test",
  "match",
  "replace",
  "split",
  "startsWith",
  "endsWith",
  "includes",
  "join",
  "toFormat",
]);

/** Properties whose string values are code or command syntax, not prose. */
const NOT_SHOWN_PROPERTIES = new Set([
  "usage",
  "action",
  "value",
  "id",
  "callbackId",
  "url",
  "command",
  "style",
  "type",
  "key",
  "msg",
  // Help's English fallback; help reads the catalogue's `command.<name>` first.
  "description",
]);

/** Properties of the message model a person reads: even one word there is text for them. */
const SHOWN_PROPERTIES = new Set([
  "label",
  "title",
  "placeholder",
  "submitLabel",
  "summary",
  "header",
  "alt",
  "intro",
  "confirm",
]);

function shownProperty(node: ts.Node): boolean {
  const parent = node.parent;
  return (
    ts.isPropertyAssignment(parent) &&
    parent.initializer === node &&
    SHOWN_PROPERTIES.has(parent.name.getText())
  );
}

function calleeName(call: ts.CallExpression | ts.NewExpression): string {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return "";
}

/** Why code, not a person, reads this literal; null when a person would. */
function notShown(node: ts.Node): boolean {
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) {
      if (parent.expression !== child && NOT_SHOWN_CALLS.has(calleeName(parent))) return true;
      return false;
    }
    if (ts.isPropertyAssignment(parent)) {
      if (parent.name === child) return true;
      if (NOT_SHOWN_PROPERTIES.has(parent.name.getText().replace(/"/g, ""))) return true;
      continue;
    }
    if (ts.isVariableDeclaration(parent)) return /USAGE|_RE$|PATTERN/.test(parent.name.getText());
    if (
      ts.isImportDeclaration(parent) ||
      ts.isExportDeclaration(parent) ||
      ts.isLiteralTypeNode(parent) ||
      ts.isCaseClause(parent) ||
      ts.isElementAccessExpression(parent) ||
      (ts.isBinaryExpression(parent) &&
        [
          ts.SyntaxKind.EqualsEqualsEqualsToken,
          ts.SyntaxKind.ExclamationEqualsEqualsToken,
          ts.SyntaxKind.InKeyword,
        ].includes(parent.operatorToken.kind))
    ) {
      return true;
    }
    if (ts.isBlock(parent) || ts.isSourceFile(parent)) return false;
  }
  return false;
}

/** The text a literal shows: a template's fixed parts joined with "…". */
function literalText(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) {
    return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join("…");
  }
  return null;
}

function proseLiterals(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const text = literalText(node);
    if (text !== null) {
      const prose = PROSE.test(text) || (shownProperty(node) && /\p{L}{2,}/u.test(text));
      if (prose && !SYNTAX.test(text) && !notShown(node))
        found.push(`${file}: ${text.replace(/\s+/g, " ").trim()}`);
      if (ts.isTemplateExpression(node)) {
        for (const span of node.templateSpans) visit(span.expression);
      }
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function scan(): string[] {
  return DIRS.flatMap((dir) =>
    readdirSync(join(ROOT, dir))
      .filter((f) => f.endsWith(".ts"))
      .flatMap((f) => {
        const file = relative(ROOT, join(ROOT, dir, f));
        return proseLiterals(file, readFileSync(join(ROOT, file), "utf8"));
      }),
  );
}

/**
 * What is left, each with why. Entries may only go; a new literal fails the test until it comes
 * from the catalogue (or, if code rather than a person reads it, until the scan learns why).
 */
const ALLOWED: Record<string, string> = {
  // The days placeholder shows command syntax: day keywords stay English, as commands do.
  "src/messages/checkins.ts: mon,thu": "syntax",
  // An audit log entry's subject, kept in English for the audit trail, not a reply.
  "src/commands/features/xapi.ts: unmatched statements": "audit",
};

describe("user-facing text in code", () => {
  it("is in the catalogue: the features and message builders write no prose of their own", () => {
    const found = scan();
    expect(found.length, "the scan reads the sources").toBeGreaterThanOrEqual(0);
    expect(found.filter((f) => !(f in ALLOWED))).toEqual([]);
  });

  it("finds prose in replies, forms and messages, and leaves keys, syntax and logs alone", () => {
    const source = `
      const a = problem("That button has expired.");
      const b = { type: "text", text: ["Thanks. I'm checking ", name] };
      const c = { title: "Credential", label: t.t("goalForm.target") };
      const d = \`You have \${n} goals left.\`;
      t.t("goal.summary", { n }); log.info({ n }, "check-in sent to the person");
      const usage = { usage: "goal <credential> [by <date>]" };
      if (kind === "not started") throw new Error("no such goal in the repository");
    `;
    expect(proseLiterals("x.ts", source)).toEqual([
      "x.ts: That button has expired.",
      "x.ts: Thanks. I'm checking",
      "x.ts: Credential",
      "x.ts: You have … goals left.",
    ]);
  });
});
