import { commandText, type Inline, type RichText } from "../../src/messages/model.ts";
import { SLASH_COMMAND } from "./command.ts";

/**
 * Turning neutral rich text into Slack mrkdwn, so that nothing a user typed can become markup.
 *
 * - `&`, `<`, `>` become entities: Slack only parses mentions (`<@U1>`, `<!channel>`) and links
 *   (`<url|label>`) inside angle brackets, so without a raw `<` no mention or link can form.
 * - `*`, `_`, `~` and `` ` `` get a zero-width space (U+200B) on both sides. Slack only opens a
 *   span when the marker touches non-space text on its inner side and a boundary on its outer
 *   side. If Slack treats U+200B as a space, the marker has a space on its inner side; if it
 *   treats it as a letter, the marker sits inside a word. Either way it stays a literal
 *   character, which is why this beats a one-sided joiner or a backslash (mrkdwn has no escape).
 * - A `>` at the start of a line would begin a block quote, so it gets a leading U+200B too.
 * Every text object we send with mrkdwn also sets `verbatim: true`, which stops Slack from
 * auto-linking bare channel names and @-mentions.
 */
const ZWSP = "\u200B";

/** The escaped form of one character. */
function escapeChar(ch: string): string {
  switch (ch) {
    case "&":
      return "&amp;";
    case "<":
      return "&lt;";
    case ">":
      return "&gt;";
    case "*":
    case "_":
    case "~":
    case "`":
      return `${ZWSP}${ch}${ZWSP}`;
    default:
      return ch;
  }
}

/** Escaped tokens, one per code point, so text can be cut without splitting an entity. */
function escapeTokens(text: string, atLineStart: boolean): string[] {
  const tokens: string[] = [];
  let lineStart = atLineStart;
  for (const ch of text) {
    let token = escapeChar(ch);
    if (lineStart && ch === ">") token = `${ZWSP}${token}`;
    tokens.push(token);
    lineStart = ch === "\n";
  }
  return tokens;
}

const SPECIAL = /[&<>*_~`]/g;
const QUOTE_AT_START = /^&gt;/;
const QUOTE_AFTER_NEWLINE = /\n&gt;/g;

/**
 * The same as joining `escapeTokens`, without a string per character: most text fits its field
 * whole, and every check-in renders several.
 */
function escapeText(text: string, atLineStart: boolean): string {
  let out = text.replace(SPECIAL, escapeChar);
  if (!out.includes("&gt;")) return out;
  // A user's own "&gt;" is "&amp;gt;" by now, so only a real ">" matches here.
  out = out.replace(QUOTE_AFTER_NEWLINE, `\n${ZWSP}&gt;`);
  return atLineStart ? out.replace(QUOTE_AT_START, `${ZWSP}&gt;`) : out;
}

/** Escapes plain text for a mrkdwn field. */
export function escapeMrkdwn(text: string): string {
  return escapeText(text, true);
}

/** Newlines and tabs to single spaces, for places that hold one line. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, " ");
}

/** Cuts plain text to `max` UTF-16 units, ending with "…" when cut, never splitting a code point. */
export function truncatePlain(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = "";
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}

const SAFE_URL = /^(https?:\/\/|mailto:)/i;

/** A URL made safe to sit inside `<url|label>`: only web and mail schemes, no bracket or bar. */
function linkTarget(url: string): string | undefined {
  const trimmed = url.trim();
  if (!SAFE_URL.test(trimmed) || /\s/.test(trimmed)) return undefined;
  return trimmed
    .replace(/&/g, "&amp;")
    .replace(/</g, "%3C")
    .replace(/>/g, "%3E")
    .replace(/\|/g, "%7C");
}

interface Piece {
  open: string;
  /** The escaped text, whole. */
  text: string;
  close: string;
  /** What `text` was escaped from, for `tokensOf` when the text must be cut. */
  source: string;
  atLineStart: boolean;
  code: boolean;
}

const CODE_SPECIAL = /[&<>]/g;

/**
 * A piece's escaped text one token per character, only needed when it must be cut. Data on the
 * piece rather than a closure: pieces are made for every text of every message.
 */
function tokensOf(piece: Piece): string[] {
  if (!piece.code) return escapeTokens(piece.source, piece.atLineStart);
  return Array.from(piece.source, (ch) =>
    ch === "&" || ch === "<" || ch === ">" ? escapeChar(ch) : ch,
  );
}

const plain = (source: string, atLineStart: boolean) => ({ source, atLineStart, code: false });

function pieceOf(part: Inline, atLineStart: boolean): Piece {
  if (typeof part === "object" && "command" in part) {
    return pieceOf({ code: commandText(part, SLASH_COMMAND) }, atLineStart);
  }
  if (typeof part === "string") {
    return {
      open: "",
      text: escapeText(part, atLineStart),
      close: "",
      ...plain(part, atLineStart),
    };
  }
  if ("code" in part) {
    // Inside a code span markers are literal, but a backtick would end it early.
    const raw = oneLine(part.code).replace(/`/g, "\u02CB");
    const text = raw.replace(CODE_SPECIAL, escapeChar);
    const source = { source: raw, atLineStart: false, code: true };
    return raw.trim() === ""
      ? { open: "", text, close: "", ...source }
      : { open: "`", text, close: "`", ...source };
  }
  if ("link" in part) {
    const target = linkTarget(part.link);
    const label = oneLine(part.text || part.link);
    const text = escapeText(label, false);
    return target
      ? { open: `<${target}|`, text, close: ">", ...plain(label, false) }
      : { open: "", text, close: "", ...plain(label, false) };
  }
  const marker = "bold" in part ? "*" : "_";
  const raw = oneLine("bold" in part ? part.bold : part.italic);
  // Slack only formats when the markers touch text, so spaces go outside them.
  const lead = raw.match(/^\s*/)?.[0] ?? "";
  const trail = raw.slice(lead.length).match(/\s*$/)?.[0] ?? "";
  const core = raw.slice(lead.length, raw.length - trail.length);
  if (core === "") {
    return { open: "", text: escapeText(raw, false), close: "", ...plain(raw, false) };
  }
  return {
    open: `${lead}${marker}`,
    text: escapeText(core, false),
    close: `${marker}${trail}`,
    ...plain(core, false),
  };
}

/**
 * Renders rich text to escaped mrkdwn of at most `max` characters. When it must cut, it cuts
 * between escaped characters, keeps every opened span closed and ends with "…".
 */
export function renderMrkdwn(text: RichText | string, max = Number.POSITIVE_INFINITY): string {
  const parts: Inline[] = typeof text === "string" ? [text] : text;
  const pieces: Piece[] = [];
  let atLineStart = true;
  for (const part of parts) {
    const piece = pieceOf(part, atLineStart);
    pieces.push(piece);
    if (piece.text !== "") atLineStart = piece.text.endsWith("\n");
  }
  const full = pieces.map((p) => p.open + p.text + p.close).join("");
  if (full.length <= max) return full;

  const budget = max - 1; // room for the ellipsis
  let out = "";
  for (const piece of pieces) {
    const whole = piece.open + piece.text + piece.close;
    if (out.length + whole.length <= budget) {
      out += whole;
      continue;
    }
    // Partial piece: keep the span only if some text fits inside it.
    const room = budget - out.length - piece.open.length - piece.close.length;
    let inner = "";
    for (const token of tokensOf(piece)) {
      if (inner.length + token.length > room) break;
      inner += token;
    }
    if (piece.open !== "") inner = inner.trimEnd();
    if (inner.trim() !== "") out += piece.open + inner + piece.close;
    break;
  }
  return `${out}…`;
}
