import { describe, expect, it, vi } from "vitest";
import {
  actionFromId,
  decodeMetadata,
  encodeMetadata,
  LIMITS,
  progressBar,
  readFormValues,
  renderForm,
  renderHome,
  renderMessage,
} from "../../adapters/slack/blocks.ts";
import { escapeMrkdwn, renderMrkdwn } from "../../adapters/slack/mrkdwn.ts";
import type { Block, Form, Message } from "../../src/messages/model.ts";

const Z = "\u200B";
const one = (block: Block): Message => ({ summary: "s", blocks: [block] });

/** All text Slack would parse as mrkdwn, wherever it sits in the blocks. */
function mrkdwnTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnTexts);
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    const own = obj.type === "mrkdwn" && typeof obj.text === "string" ? [obj.text] : [];
    return [...own, ...Object.values(obj).flatMap(mrkdwnTexts)];
  }
  return [];
}

describe("mrkdwn escaping", () => {
  const hostile = [
    "<!channel>",
    "<@U123>",
    "*bold*",
    "<http://evil|click>",
    "&amp;",
    "_it_ ~st~ `code`",
  ];

  it.each(hostile)("leaves no live markup in %j", (input) => {
    const out = escapeMrkdwn(input);
    expect(out).not.toMatch(/[<>]/);
    // Every marker is fenced by zero-width spaces on both sides.
    for (const marker of ["*", "_", "~", "`"]) {
      const bare = out.split(`${Z}${marker}${Z}`).join("");
      expect(bare).not.toContain(marker);
    }
    // Stripping the zero-width spaces and decoding the entities gives the text back.
    const decoded = out
      .replaceAll(Z, "")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&");
    expect(decoded).toBe(input);
  });

  it("encodes the specific forms Slack parses", () => {
    expect(escapeMrkdwn("<!channel>")).toBe("&lt;!channel&gt;");
    expect(escapeMrkdwn("<@U123>")).toBe("&lt;@U123&gt;");
    expect(escapeMrkdwn("&amp;")).toBe("&amp;amp;");
    expect(escapeMrkdwn("*bold*")).toBe(`${Z}*${Z}bold${Z}*${Z}`);
    expect(escapeMrkdwn("<http://evil|click>")).toBe("&lt;http://evil|click&gt;");
  });

  it("stops a line-leading > from quoting", () => {
    expect(escapeMrkdwn("> quoted\nok > fine\n> again")).toBe(
      `${Z}&gt; quoted\nok &gt; fine\n${Z}&gt; again`,
    );
  });

  it("renders emphasis, code and safe links, escaping inside them", () => {
    expect(
      renderMrkdwn([
        "Log ",
        { bold: " 2 h " },
        " on ",
        { italic: "AI*" },
        " ",
        { code: "a`b<c>" },
        " ",
        { link: "https://ex.com/a?b=1&c=2", text: "course <x>" },
      ]),
    ).toBe(
      `Log  *2 h*  on _AI${Z}*${Z}_ \`a\u02CBb&lt;c&gt;\` <https://ex.com/a?b=1&amp;c=2|course &lt;x&gt;>`,
    );
  });

  it("drops links with unsafe schemes or brackets to plain text", () => {
    expect(renderMrkdwn([{ link: "javascript:alert(1)", text: "x" }])).toBe("x");
    expect(renderMrkdwn([{ link: "https://a.b/x>y|z", text: "t" }])).toBe(
      "<https://a.b/x%3Ey%7Cz|t>",
    );
  });

  it("truncates without splitting entities or leaving spans open", () => {
    const out = renderMrkdwn(["ab", { bold: "&&&&&&&&" }], 14);
    expect(out.length).toBeLessThanOrEqual(14);
    expect(out).toBe("ab*&amp;*…");
    expect(renderMrkdwn("x".repeat(5000), LIMITS.sectionText)).toHaveLength(LIMITS.sectionText);
  });
});

describe("progressBar", () => {
  it.each([
    [0, 10, "▱▱▱▱▱▱▱▱▱▱"],
    [4, 10, "▰▰▰▰▱▱▱▱▱▱"],
    [9.99, 10, "▰▰▰▰▰▰▰▰▰▱"],
    [10, 10, "▰▰▰▰▰▰▰▰▰▰"],
    [15, 10, "▰▰▰▰▰▰▰▰▰▰"],
    [-3, 10, "▱▱▱▱▱▱▱▱▱▱"],
    [3, 0, "▱▱▱▱▱▱▱▱▱▱"],
  ])("%d of %d → %s, then the bar in words", (done, total, expected) => {
    expect(progressBar(done, total, "x of y, z%")).toBe(`${expected} x of y, z%`);
  });

  it("escapes the words", () => {
    const bar = progressBar(1, 2, "<!here> & 1");
    expect(bar).toBe("▰▰▰▰▰▱▱▱▱▱ &lt;!here&gt; &amp; 1");
  });
});

describe("renderMessage: each block kind", () => {
  it("header: plain text, one line, at most 150", () => {
    const out = renderMessage(one({ type: "header", text: `Goals\n<!here> ${"x".repeat(200)}` }));
    expect(out.blocks[0]).toMatchObject({ type: "header", text: { type: "plain_text" } });
    const text = (out.blocks[0] as { text: { text: string } }).text.text;
    expect(text).not.toContain("\n");
    expect(text.length).toBe(150);
    expect(text.endsWith("…")).toBe(true);
  });

  it("text", () => {
    expect(
      renderMessage(one({ type: "text", text: ["Hi ", { bold: "Ann" }, "\nline two"] })),
    ).toMatchInlineSnapshot(`
      {
        "blocks": [
          {
            "text": {
              "text": "Hi *Ann*
      line two",
              "type": "mrkdwn",
              "verbatim": true,
            },
            "type": "section",
          },
        ],
        "text": "s",
      }
    `);
  });

  it("fields, ten per section", () => {
    const fields = Array.from({ length: 12 }, (_, i) => ({ label: `L${i}*`, value: [`v${i}`] }));
    const out = renderMessage(one({ type: "fields", fields }));
    expect(out.blocks).toHaveLength(2);
    const first = out.blocks[0] as { fields: { text: string }[] };
    expect(first.fields).toHaveLength(10);
    expect(first.fields[0]?.text).toBe(`*L0${Z}*${Z}*\nv0`);
    expect(out).toMatchSnapshot();
  });

  it("progress with caption", () => {
    const out = renderMessage(
      one({
        type: "progress",
        label: [{ bold: "AI for Everyone" }],
        done: 4,
        total: 10,
        alt: "4 h of 10 h, 40%",
        caption: ["4 of 10 h · ahead"],
      }),
    );
    expect(out).toMatchInlineSnapshot(`
      {
        "blocks": [
          {
            "text": {
              "text": "*AI for Everyone*
      ▰▰▰▰▱▱▱▱▱▱ 4 h of 10 h, 40%",
              "type": "mrkdwn",
              "verbatim": true,
            },
            "type": "section",
          },
          {
            "elements": [
              {
                "text": "4 of 10 h · ahead",
                "type": "mrkdwn",
                "verbatim": true,
              },
            ],
            "type": "context",
          },
        ],
        "text": "s",
      }
    `);
  });

  it("context", () => {
    expect(
      renderMessage(one({ type: "context", text: ["by ", { italic: "Mar 31" }] })).blocks,
    ).toMatchSnapshot();
  });

  it("actions: action ids are the action, made unique, labels cut at 75", () => {
    const out = renderMessage(
      one({
        type: "actions",
        buttons: [
          { label: "Log", action: "goal.log", value: "1", style: "primary" },
          { label: "Log", action: "goal.log", value: "2" },
          { label: "x".repeat(100), action: "goal.drop", value: "3", style: "danger" },
        ],
      }),
    );
    const elements = (
      out.blocks[0] as { elements: { action_id: string; text: { text: string }; value: string }[] }
    ).elements;
    expect(elements.map((e) => e.action_id)).toEqual(["goal.log", "goal.log#2", "goal.drop"]);
    expect(elements.map((e) => actionFromId(e.action_id))).toEqual([
      "goal.log",
      "goal.log",
      "goal.drop",
    ]);
    expect(elements[2]?.text.text.length).toBe(75);
    expect(out.blocks).toMatchSnapshot();
  });

  it("actions: refuse a value Slack would reject", () => {
    expect(() =>
      renderMessage(
        one({ type: "actions", buttons: [{ label: "x", action: "a", value: "v".repeat(2001) }] }),
      ),
    ).toThrow(/2000/);
  });

  it("actionFromId keeps ids that merely contain #", () => {
    expect(actionFromId("a#b")).toBe("a#b");
    expect(actionFromId("a#12")).toBe("a");
  });

  it("image, and images with unsafe URLs are dropped", () => {
    expect(
      renderMessage(
        one({ type: "image", url: "https://img.test/a.png", alt: "badge", title: "Badge" }),
      ).blocks,
    ).toMatchInlineSnapshot(`
        [
          {
            "alt_text": "badge",
            "image_url": "https://img.test/a.png",
            "title": {
              "emoji": true,
              "text": "Badge",
              "type": "plain_text",
            },
            "type": "image",
          },
        ]
      `);
    expect(renderMessage(one({ type: "image", url: "javascript:x", alt: "a" })).blocks).toEqual([]);
  });

  it("divider", () => {
    expect(renderMessage(one({ type: "divider" })).blocks).toEqual([{ type: "divider" }]);
  });

  it("cuts at 50 blocks with a note of how many were left out", () => {
    const blocks: Block[] = Array.from({ length: 60 }, () => ({ type: "divider" }));
    const out = renderMessage({ summary: "s", blocks });
    expect(out.blocks).toHaveLength(50);
    expect(out.blocks.at(-1)).toMatchObject({
      type: "context",
      elements: [{ text: "…and 11 more not shown here." }],
    });
    expect(renderHome({ summary: "s", blocks }).blocks).toHaveLength(60);
  });

  it("says what was cut in the reader's language, asking for it only when it cuts", () => {
    const blocks: Block[] = Array.from({ length: 60 }, () => ({ type: "divider" }));
    expect(renderMessage({ summary: "s", blocks }, () => "de").blocks.at(-1)).toMatchObject({
      elements: [{ text: "…und 11 weitere Einträge werden hier nicht angezeigt." }],
    });
    const home = renderHome({ summary: "s", blocks: [...blocks, ...blocks] }, () => "ja");
    expect(home.blocks.at(-1)).toMatchObject({
      elements: [{ text: "…ほか 21 件はここに表示されていません。" }],
    });
    const asked = vi.fn(() => "de");
    renderMessage({ summary: "s", blocks: blocks.slice(0, 50) }, asked);
    expect(asked).not.toHaveBeenCalled();
  });

  it("escapes the fallback text, which Slack also parses", () => {
    expect(renderMessage({ summary: "<!channel> *hi*\nthere", blocks: [] }).text).toBe(
      `&lt;!channel&gt; ${Z}*${Z}hi${Z}*${Z} there`,
    );
  });

  it("no hostile input survives in any mrkdwn text", () => {
    const bad = "<!channel> <@U123> <http://evil|click> &amp;";
    const message: Message = {
      summary: bad,
      blocks: [
        {
          type: "text",
          text: [
            bad,
            { bold: bad },
            { italic: bad },
            { code: bad },
            { link: "https://ok.test", text: bad },
          ],
        },
        { type: "fields", fields: [{ label: bad, value: [bad] }] },
        { type: "progress", label: [bad], done: 1, total: 2, alt: bad, caption: [bad] },
        { type: "context", text: [bad] },
      ],
    };
    const texts = mrkdwnTexts(renderMessage(message).blocks);
    expect(texts).toHaveLength(5);
    for (const text of texts) {
      expect(text).not.toContain("<!channel>");
      expect(text).not.toContain("<@U123>");
      expect(text).not.toContain("<http://evil");
      expect(text).toContain("&amp;amp;");
      // The only raw "<" allowed is the one link we asked for.
      expect(text.replace("<https://ok.test|", "")).not.toContain("<");
    }
  });
});

const form: Form = {
  id: "goal.new",
  title: "New learning goal for this quarter",
  submitLabel: "Save",
  state: "goal-42",
  intro: ["Pick a ", { bold: "credential" }],
  inputs: [
    {
      type: "text",
      id: "title",
      label: "Title",
      placeholder: "e.g. AI for Everyone",
      maxLength: 200,
    },
    { type: "text", id: "note", label: "Note", multiline: true, optional: true },
    {
      type: "select",
      id: "credential",
      label: "Credential",
      options: [
        { label: "AI for Everyone", value: "c1" },
        { label: "PL-300", value: "c2" },
      ],
      initial: "c2",
    },
    { type: "date", id: "by", label: "Target date", initial: "2026-03-31", optional: true },
    {
      type: "number",
      id: "hours",
      label: "Hours per week",
      min: 1,
      max: 40,
      decimal: true,
      initial: "5",
    },
  ],
};

describe("renderForm", () => {
  it("renders a modal with each input kind", () => {
    const view = renderForm(form, { channelId: "C1", responseUrl: "https://hooks.test/r/1" });
    expect(view.callback_id).toBe("goal.new");
    expect(view.title.text).toHaveLength(24);
    expect(decodeMetadata(view.private_metadata)).toEqual({
      state: "goal-42",
      channelId: "C1",
      responseUrl: "https://hooks.test/r/1",
    });
    expect(view).toMatchSnapshot();
  });

  it("drops the origin before the state when metadata would be too long", () => {
    const meta = encodeMetadata("s".repeat(2900), {
      channelId: "C1",
      responseUrl: `https://h/${"r".repeat(200)}`,
    });
    expect(meta.length).toBeLessThanOrEqual(3000);
    expect(decodeMetadata(meta)).toEqual({ state: "s".repeat(2900), channelId: "C1" });
    expect(() => encodeMetadata("s".repeat(3000))).toThrow(/3000/);
    expect(decodeMetadata("not json")).toEqual({});
  });

  it("reads submitted values back by input id", () => {
    expect(
      readFormValues({
        values: {
          title: { title: { type: "plain_text_input", value: "AI" } },
          note: { note: { type: "plain_text_input", value: null } },
          credential: { credential: { type: "static_select", selected_option: { value: "c2" } } },
          by: { by: { type: "datepicker", selected_date: "2026-03-31" } },
          hours: { hours: { type: "number_input", value: "" } },
        },
      }),
    ).toEqual({
      title: "AI",
      note: undefined,
      credential: "c2",
      by: "2026-03-31",
      hours: undefined,
    });
  });
});
