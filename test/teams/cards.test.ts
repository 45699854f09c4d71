import { createRequire } from "node:module";
import MarkdownIt from "markdown-it";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AdaptiveCard,
  LIMITS,
  percentDone,
  readSubmission,
  renderActivity,
  renderCard,
  renderFormCard,
} from "../../adapters/teams/cards.ts";
import { escapeMarkdown, renderMarkdown } from "../../adapters/teams/markdown.ts";
import type { Actor } from "../../src/commands/core.ts";
import { createCore } from "../../src/commands/router.ts";
import type { Form, Message, Reply } from "../../src/messages/model.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { readCard, submitActions } from "./activities.ts";

// The Adaptive Cards SDK's own parser: its ESM build needs a bundler, its UMD build does not.
const AC = createRequire(import.meta.url)("adaptivecards/dist/adaptivecards.js");

/** Properties the SDK leaves out of its JSON when they hold the default value. */
const DEFAULTS: Record<string, unknown[]> = {
  items: [[]],
  wrap: [false],
  isMultiline: [false],
  isRequired: [false],
  style: ["compact"],
  size: ["Auto"],
};

/**
 * Parses the card with the Adaptive Cards SDK for version 1.5 and compares what it read back with
 * what we wrote: an unknown element, action, property or enum value, or one newer than 1.5, is
 * either reported or dropped, and a drop shows up as a difference.
 */
function checkCard(card: AdaptiveCard): string[] {
  const problems: string[] = [];
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  context.targetVersion = AC.Versions.v1_5;
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
  const { msteams: _teamsOnly, ...ours } = card;
  compare(ours, parsed.toJSON(), "card", problems);
  return problems;
}

function compare(ours: unknown, theirs: unknown, at: string, problems: string[]) {
  if (Array.isArray(ours)) {
    if (!Array.isArray(theirs) || theirs.length !== ours.length) {
      problems.push(`${at}: array differs`);
      return;
    }
    for (const [i, v] of ours.entries()) compare(v, theirs[i], `${at}[${i}]`, problems);
    return;
  }
  if (ours && typeof ours === "object") {
    if (!theirs || typeof theirs !== "object") {
      problems.push(`${at}: missing`);
      return;
    }
    const theirObj = theirs as Record<string, unknown>;
    for (const [key, value] of Object.entries(ours)) {
      if (!(key in theirObj)) {
        const isDefault = DEFAULTS[key]?.some((d) => JSON.stringify(d) === JSON.stringify(value));
        if (!isDefault) problems.push(`${at}.${key}: dropped by the SDK`);
        continue;
      }
      // Action data is opaque to the SDK; compare it as it is.
      compare(value, theirObj[key], `${at}.${key}`, problems);
    }
    return;
  }
  if (ours !== theirs)
    problems.push(`${at}: ${JSON.stringify(ours)} became ${JSON.stringify(theirs)}`);
}

const md = new MarkdownIt();

describe("Adaptive Card Markdown escaping", () => {
  const hostile = [
    "[click me](https://evil.example)",
    "**bold** __also__ *it* _it_",
    "# Heading",
    "- item\n+ item\n* item",
    "1. first\n2) second\n3.",
    "Title\n===\nSub\n---",
    "> quoted",
    "`code` ```fence```",
    "<at>Everyone</at> <b>html</b> <https://evil.example>",
    "&lt;entity&gt; &amp; &#42;",
    "back\\slash \\*",
    "![img](https://evil.example/x.png)",
    "~~strike~~ | table | row |",
  ];

  it.each(hostile)("renders %j as the same literal text with no markup", (input) => {
    const html = md.render(escapeMarkdown(input));
    expect(html).not.toMatch(/<(a|em|strong|h\d|ul|ol|li|code|blockquote|img|s|del|table)\b/);
    const text = html
      .replace(/<\/?p>|<br>/g, "")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, "&")
      .trim();
    expect(text.replace(/\s+/g, " ")).toBe(input.replace(/\s+/g, " "));
  });

  it("leaves ordinary text readable, decimals at the start of a line too", () => {
    expect(escapeMarkdown("1.5 h of 6 h")).toBe("1.5 h of 6 h");
    expect(escapeMarkdown("Logged 2.5 h on AI for Everyone (Coursera) - nice!")).toBe(
      "Logged 2.5 h on AI for Everyone (Coursera) - nice!",
    );
  });

  it("draws emphasis and safe links around escaped text", () => {
    const out = renderMarkdown([
      "Log ",
      { bold: " 2 h " },
      " on ",
      { italic: "AI*" },
      " ",
      { link: "https://example.com/a(b)", text: "the [course]" },
      " ",
      { link: "javascript:alert(1)", text: "no" },
    ]);
    expect(out).toBe(
      "Log  **2 h**  on _AI\\*_ [the \\[course\\]](https://example.com/a%28b%29) no",
    );
    const html = md.render(out);
    expect(html).toContain("<strong>2 h</strong>");
    expect(html).toContain("<em>AI*</em>");
    expect(html).toContain('<a href="https://example.com/a%28b%29">the [course]</a>');
    expect(html).not.toContain("javascript");
  });
});

describe("Adaptive Cards of every message kind", () => {
  let t: TestDatabase;
  const kinds: Record<string, Message> = {};
  let form: Form;

  beforeAll(async () => {
    t = await createTestDatabase("teams_cards");
    const clock = new ManualClock("2026-11-30T09:00:00Z");
    const core = createCore({ db: t.db, clock });
    const actor: Actor = {
      platform: "teams",
      workspaceExternalId: "tenant-1",
      userExternalId: "aad-1",
      profile: async () => ({ displayName: "Ann", email: null, timeZone: "Europe/Berlin" }),
    };
    const message = (reply: Reply): Message => {
      if (reply.kind !== "message" && reply.kind !== "update") throw new Error(reply.kind);
      return reply.message;
    };
    kinds.help = message(await core.command(actor, "help"));
    kinds.goalsEmpty = message(await core.command(actor, "goals"));
    kinds.goalCreated = message(
      await core.command(actor, "goal Google Project Management Certificate by March 31 5h/week"),
    );
    kinds.ownGoal = message(await core.command(actor, "goal Read *the* [Rust](book) in 6 weeks"));
    kinds.logged = message(await core.command(actor, "log 2 Google Project notes <at>x</at>"));
    kinds.pickGoal = message(await core.command(actor, "log 1"));
    kinds.goals = message(await core.command(actor, "goals"));
    kinds.catalog = message(await core.command(actor, "catalog data"));
    kinds.pickCredential = message(await core.command(actor, "goal google"));
    kinds.paused = message(await core.command(actor, "pause Rust"));
    kinds.completed = message(
      await core.command(actor, "done Google Project https://example.com/badge/1"),
    );
    kinds.problem = message(await core.command(actor, "frobnicate"));
    const opened = await core.action(actor, "goal.new", "{}");
    if (opened.kind !== "form") throw new Error("expected a form");
    form = opened.form;
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("covers the kinds it means to", () => {
    expect(Object.keys(kinds)).toHaveLength(12);
    expect(kinds.pickGoal!.blocks.some((b) => b.type === "actions")).toBe(true);
    expect(kinds.pickCredential!.blocks.some((b) => b.type === "actions")).toBe(true);
    expect(kinds.goals!.blocks.some((b) => b.type === "progress")).toBe(true);
  });

  it.each([
    "help",
    "goalsEmpty",
    "goalCreated",
    "ownGoal",
    "logged",
    "pickGoal",
    "goals",
    "catalog",
    "pickCredential",
    "paused",
    "completed",
    "problem",
  ])("renders %s as a valid Adaptive Card 1.5", (kind) => {
    const card = renderCard(kinds[kind]!);
    expect(card.version).toBe("1.5");
    expect(checkCard(card)).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThanOrEqual(LIMITS.cardBytes);
    // Every button posts back something the adapter can route.
    for (const action of submitActions(card)) {
      expect(readSubmission(action.data)).toMatchObject({ kind: "action" });
    }
    expect(card).toMatchSnapshot();
  });

  it("renders the new-goal form as a valid card of inputs whose submission reads back", () => {
    const card = renderFormCard(form);
    expect(checkCard(card)).toEqual([]);
    expect(card).toMatchSnapshot();
    const submit = submitActions(card)[0]!;
    const submitted = readSubmission({
      ...(submit.data as object),
      "f:title": "  Rust book ",
      "f:hours": 3,
      "f:target": "",
    });
    expect(submitted).toEqual({
      kind: "form",
      formId: "goal.new",
      state: undefined,
      labels: {
        credential: "Credential",
        title: "…or your own goal",
        target: "Target date",
        hours: "Hours per week",
      },
      values: { title: "  Rust book ", hours: "3", target: undefined },
    });
  });

  it("would notice what Teams cannot draw", () => {
    const card = renderCard({ summary: "s", blocks: [{ type: "text", text: ["x"] }] });
    const broken = {
      ...card,
      body: [{ type: "TextBlock", text: "x", colour: "good" }, { type: "Carousel" }],
    } as AdaptiveCard;
    expect(checkCard(broken).length).toBeGreaterThanOrEqual(2);
  });
});

describe("card details", () => {
  it("floors the progress percentage so a bar is only full when the work is done", () => {
    expect(percentDone(139.9, 140)).toBe(99);
    expect(percentDone(140, 140)).toBe(100);
    expect(percentDone(5, 0)).toBe(0);
    expect(percentDone(-1, 10)).toBe(0);
  });

  it("turns a divider into a separator on the next element", () => {
    const card = renderCard({
      summary: "s",
      blocks: [{ type: "text", text: ["a"] }, { type: "divider" }, { type: "text", text: ["b"] }],
    });
    expect(card.body).toEqual([
      { type: "TextBlock", text: "a", wrap: true },
      { type: "TextBlock", text: "b", wrap: true, separator: true, spacing: "Medium" },
    ]);
  });

  it("cuts a card too big for Teams and says how much was left out", () => {
    const blocks = Array.from({ length: 400 }, (_, i) => ({
      type: "text" as const,
      text: [`Line ${i} ${"x".repeat(100)}`],
    }));
    const card = renderCard({ summary: "s", blocks });
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThanOrEqual(LIMITS.cardBytes);
    expect(JSON.stringify(card.body.at(-1))).toMatch(/…and \d+ more not shown here\./);
    const german = renderCard({ summary: "s", blocks }, undefined, "de");
    expect(Buffer.byteLength(JSON.stringify(german))).toBeLessThanOrEqual(LIMITS.cardBytes);
    expect(readCard(german.body.at(-1))).toMatch(
      /^…und \d+ weitere Einträge werden hier nicht angezeigt\.$/,
    );
  });

  it("sends images inline and names other files, with a plain summary", () => {
    const activity = renderActivity({
      summary: "Report\nfor May",
      blocks: [{ type: "text", text: ["see attached"] }],
      files: [
        { filename: "chart.png", contentType: "image/png", data: new Uint8Array([1, 2, 3]) },
        { filename: "report.csv", contentType: "text/csv", data: new Uint8Array([65]) },
      ],
    });
    expect(activity.summary).toBe("Report for May");
    expect(activity.attachments).toHaveLength(2);
    expect(activity.attachments[1]).toEqual({
      contentType: "image/png",
      contentUrl: "data:image/png;base64,AQID",
      name: "chart.png",
    });
    // Not offered here (a channel or group chat): the person is sent to the personal chat.
    expect(readCard(activity.attachments[0]!.content)).toContain(
      "I can send report.csv only in our personal chat: ask me there to get it.",
    );
  });

  it("offers files in a personal chat as consent cards that carry only the offer id", () => {
    const ics = {
      filename: "study-plan.ics",
      contentType: "text/calendar",
      data: new Uint8Array(1234),
      title: "Study plan:\nRust",
    };
    const big = { filename: "huge.csv", contentType: "text/csv", data: new Uint8Array(3) };
    const message: Message = { summary: "s", blocks: [], files: [ics, big] };
    const activity = renderActivity(message, [{ id: "offer-1", file: ics }]);
    expect(activity.attachments.slice(1)).toEqual([
      {
        contentType: "application/vnd.microsoft.teams.card.file.consent",
        name: "study-plan.ics",
        content: {
          description: "Study plan: Rust",
          sizeInBytes: 1234,
          acceptContext: { offer: "offer-1" },
          declineContext: { offer: "offer-1" },
        },
      },
    ]);
    const text = readCard(activity.attachments[0]!.content);
    expect(text).toContain("Choose **Allow** below to save study-plan.ics to your OneDrive.");
    expect(text).toContain("Too large to send in Teams: huge.csv.");
    expect(text).not.toContain("personal chat");
  });

  it("escapes file names it mentions and keeps the note when a long card is cut", () => {
    const blocks = Array.from({ length: 400 }, (_, i) => ({
      type: "text" as const,
      text: [`Line ${i} ${"x".repeat(100)}`],
    }));
    const card = renderCard({
      summary: "s",
      blocks,
      files: [
        {
          filename: "[x](https://evil.example)*.csv",
          contentType: "text/csv",
          data: new Uint8Array(1),
        },
      ],
    });
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThanOrEqual(LIMITS.cardBytes);
    const last = readCard(card.body.at(-1));
    expect(last).toContain(
      "I can send \\[x\\](https://evil.example)\\*.csv only in our personal chat",
    );
    expect(readCard(card.body.at(-2))).toMatch(/…and \d+ more not shown here\./);
  });

  it("refuses a button value too long to post back", () => {
    expect(() =>
      renderCard({
        summary: "s",
        blocks: [
          { type: "actions", buttons: [{ label: "x", action: "a", value: "v".repeat(2001) }] },
        ],
      }),
    ).toThrow(/over 2000/);
  });

  it("ignores submissions that are not ours", () => {
    expect(readSubmission(undefined)).toBeUndefined();
    expect(readSubmission({ action: "x" })).toBeUndefined();
    expect(readSubmission({ stackup: "x" })).toBeUndefined();
    expect(readSubmission({ stackup: { a: "goal.log", v: 5 } })).toEqual({
      kind: "action",
      action: "goal.log",
      value: "",
    });
  });
});
