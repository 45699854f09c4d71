import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/*
 * User-facing text comes from the catalogue (src/i18n/locales). This reads the commands, features,
 * message builders, adapters and jobs with TypeScript's parser and reports every string in them that reads as prose
 * (two words or more) where code does not use it as something other than text for a person:
 * catalogue keys and values passed to the Translator, command syntax (usage lines, keywords),
 * log lines and errors thrown to the code, ids, comparisons and types.
 */

const ROOT = join(import.meta.dirname, "../..");
const DIRS = ["src/commands", "src/commands/features", "src/messages", "adapters", "jobs"];

/**
 * Files whose prose is for machines or developers, not people in chat. The playground (not read at
 * all) is a developer's stand-in for Slack and Teams: its pages and demo people are its own.
 */
const NOT_SCANNED: Record<string, string> = {
  // The xAPI endpoint's error bodies are the LRS protocol's, read by LMS clients, not people.
  "adapters/xapi/http.ts": "protocol",
  // Builds the Teams app package on the command line; prints to the one who builds it.
  "adapters/teams/packaging/build.ts": "build script",
};

/** Reads as words for a person: two words of letters, or one ending a sentence. */
const PROSE =
  /\p{L}{2,}[\s\p{P}]*\s[\s\p{P}]*\p{L}|\p{L}[\s\p{P}]*\s[\s\p{P}]*\p{L}{2,}|\p{L}{2,}[.!?…]$/u;
/**
 * Command syntax and formats: usage lines ("catalog [search words]"), date patterns, media types
 * ("text/plain; charset=utf-8").
 */
const SYNTAX = /[[\]<>|]|^[dLyEHhms\s,.:-]+$|^[\w.+-]+\/[\w.+-]+(; ?[\w-]+=[\w-]+)?$/;

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
  // HTTP headers and SQL.
  "setHeader",
  "writeHead",
  "sql",
  "selectFrom",
  "select",
  "where",
  "innerJoin",
  "leftJoin",
  "on",
  "hkdfSync",
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
  // The operator's hint at start-up when a platform is not configured; HTTP client headers.
  "howToConnect",
  "user-agent",
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

function calleeName(call: ts.CallExpression | ts.NewExpression | ts.TaggedTemplateExpression) {
  const e = ts.isTaggedTemplateExpression(call) ? call.tag : call.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return "";
}

/** Why code, not a person, reads this literal; null when a person would. */
function notShown(node: ts.Node): boolean {
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) {
      // A method called on the literal itself (`...`.trim()) leaves it to the call around.
      if (parent.expression === child) continue;
      const callee = calleeName(parent);
      if (NOT_SHOWN_CALLS.has(callee) || /Error$/.test(callee)) return true;
      return false;
    }
    if (ts.isPropertyAssignment(parent)) {
      if (parent.name === child) return true;
      if (NOT_SHOWN_PROPERTIES.has(parent.name.getText().replace(/"/g, ""))) return true;
      continue;
    }
    if (ts.isTaggedTemplateExpression(parent)) return calleeName(parent) === "sql";
    if (ts.isThrowStatement(parent)) return true;
    if (ts.isVariableDeclaration(parent))
      return /USAGE|_RE$|PATTERN|CSP/.test(parent.name.getText());
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
    (readdirSync(join(ROOT, dir), { recursive: true }) as string[])
      .filter((f) => f.endsWith(".ts") && !(join(dir, f) in NOT_SCANNED))
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
  // Logged when Slack says the app went away (forget's `why`), and a log line at logger[level].
  "adapters/slack/listeners/installs.ts: Stackup was uninstalled": "log",
  "adapters/slack/listeners/installs.ts: the bot token was revoked": "log",
  "jobs/queue.ts: job failed": "log",
  // An Error subclass's message, passed through super().
  "adapters/teams/mentions.ts: Could not look up the mentioned member …": "error",
  // Reasons inside a FileUploadError for the logs (fail wraps them).
  "adapters/teams/upload.ts: the upload's answer broke off": "error",
  "adapters/teams/upload.ts: timed out after … ms": "error",
  // The Bot Connector's JSON error body, read by the connector, not a person.
  "adapters/teams/app.ts: too large": "protocol",
  "adapters/teams/app.ts: not a JSON activity": "protocol",
  // HTTP bodies nobody sees as such: the tab's script shows its own catalogue note on 401 and
  // 503, and Teams draws a missing card image as a broken picture.
  "adapters/teams/tab.ts: Not signed in.": "protocol",
  "adapters/teams/tab.ts: Stackup can't show this right now.": "protocol",
  "adapters/teams/images.ts: Not found: the image has expired or never existed.": "protocol",
  // The stored display name when Teams sends none: data, like any name, not a reply.
  "adapters/teams/actor.ts: Teams user": "data",
  "adapters/teams/tab.ts: Teams user": "data",
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
