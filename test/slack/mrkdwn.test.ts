import { describe, expect, it } from "vitest";
import { escapeMrkdwn, renderMrkdwn } from "../../adapters/slack/mrkdwn.ts";

const ALPHABET = [
  "a",
  "b",
  " ",
  "\n",
  ">",
  "<",
  "&",
  "*",
  "_",
  "~",
  "`",
  "|",
  "é",
  "👋",
  "gt;",
  "@",
];

/** A deterministic stream of awkward texts. */
function* texts(count: number): Generator<string> {
  let seed = 7;
  for (let i = 0; i < count; i += 1) {
    let text = "";
    const length = i % 24;
    for (let j = 0; j < length; j += 1) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      text += ALPHABET[seed % ALPHABET.length];
    }
    yield text;
  }
}

describe("mrkdwn escaping: whole text and cut text agree", () => {
  it("cuts every text to a prefix of its whole escaped form, never inside an entity", () => {
    for (const text of texts(400)) {
      const full = renderMrkdwn(text);
      expect(full).toBe(escapeMrkdwn(text));
      for (let max = 1; max < full.length; max += 1) {
        const cut = renderMrkdwn(text, max);
        expect(cut.length).toBeLessThanOrEqual(max);
        expect(cut.endsWith("…")).toBe(true);
        expect(full.startsWith(cut.slice(0, -1))).toBe(true);
        // An entity is never split: a cut ends before "&" or after its ";".
        expect(cut.slice(0, -1)).not.toMatch(/&[a-z]*$/);
      }
    }
  });

  it("keeps a line-opening > from starting a quote, wherever the line starts", () => {
    expect(escapeMrkdwn("> hi\n>> there")).toBe("\u200B&gt; hi\n\u200B&gt;&gt; there");
    expect(renderMrkdwn(["a\n", "> quoted"])).toBe("a\n\u200B&gt; quoted");
    expect(renderMrkdwn(["a", "> not a line start"])).toBe("a&gt; not a line start");
    expect(escapeMrkdwn("&gt; typed")).toBe("&amp;gt; typed");
  });
});
