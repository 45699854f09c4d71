import { commandText, type RichText } from "../../src/messages/model.ts";
import { COMMAND_WORD } from "./command.ts";

/**
 * Plain text into the Markdown subset of Adaptive Card TextBlocks and FactSets, so that nothing a
 * user typed can become a link, a mention, emphasis, a heading or a list.
 *
 * - Inline markers (`\ * _ ~ `` [ ] < >`) get a backslash everywhere: CommonMark treats an
 *   escaped ASCII punctuation character as a literal, so no span, link or `<at>` tag can open.
 * - Block markers only matter at the start of a line (after spaces): `#`, `-`, `+`, `=` (a
 *   setext underline) get a backslash there, and so does the `.` or `)` of a list number ("1. ")
 *   but not of a decimal, so "1.5 h" and "2.5 h" stay readable.
 * - `&` becomes `&amp;` so a typed entity (`&lt;`) reads literally instead of decoding.
 * - Carriage returns go; a lone newline stays a line break in Teams.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/[\\`*_~[\]<>]/g, (ch) => `\\${ch}`)
    .replace(/&/g, "&amp;")
    .replace(/^([ \t]*)([#+=-])/gm, "$1\\$2")
    .replace(/^([ \t]*\d{1,9})([.)])(?=[ \t]|$)/gm, "$1\\$2");
}

/** Newlines and tabs to single spaces, for places that hold one line. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, " ");
}

/** Cuts plain text to `max` characters (by code point), ending with an ellipsis when cut. */
export function truncatePlain(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(max - 1, 0)).join("")}…`;
}

/** Only http(s) links are drawn as links; spaces and parentheses would end the target early. */
export function safeUrl(url: string): string | null {
  if (!/^https?:\/\/[^\s]+$/i.test(url)) return null;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
    return parsed.href.replace(/[()<>[\]\\`*_]/g, (ch) => `%${ch.charCodeAt(0).toString(16)}`);
  } catch {
    return null;
  }
}

/**
 * Neutral rich text as TextBlock Markdown: bold and italic as `**`/`_` spans around escaped text,
 * code as plain escaped text (TextBlocks have no code span), links only for http(s) targets.
 * Each span is padded by the separator, not inside the markers, so escaped edges still close.
 */
export function renderMarkdown(text: RichText | string): string {
  if (typeof text === "string") return escapeMarkdown(text);
  return text
    .map((part) => {
      if (typeof part === "string") return escapeMarkdown(part);
      if ("bold" in part) return span("**", part.bold);
      if ("italic" in part) return span("_", part.italic);
      if ("code" in part) return escapeMarkdown(part.code);
      if ("command" in part) return escapeMarkdown(commandText(part, COMMAND_WORD));
      const url = safeUrl(part.link);
      const label = escapeMarkdown(oneLine(part.text || part.link));
      return url ? `[${label}](${url})` : label;
    })
    .join("");
}

/** Markers must touch non-space text, so leading and trailing spaces go outside them. */
function span(marker: string, text: string): string {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(text)!;
  const [, lead, core, trail] = m;
  if (!core) return text;
  return `${lead}${marker}${escapeMarkdown(core)}${marker}${trail}`;
}
