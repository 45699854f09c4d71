import { describe, expect, it } from "vitest";
import { renderBlocks } from "../../adapters/slack/blocks.ts";
import { renderBody } from "../../adapters/teams/cards.ts";
import type { Block, BlockRenderers } from "../../src/messages/model.ts";

/** One block of every kind; a kind added to the model without one here fails to compile. */
const EVERY_KIND: { [K in Block["type"]]: Extract<Block, { type: K }> } = {
  header: { type: "header", text: "Heading" },
  text: { type: "text", text: ["Some ", { bold: "text" }, " and ", { command: "help" }] },
  fields: { type: "fields", fields: [{ label: { command: "log <hours>" }, value: ["Log time"] }] },
  progress: {
    type: "progress",
    label: ["Rust"],
    done: 3,
    total: 10,
    alt: "3 h of 10 h, 30%",
    caption: ["On track"],
  },
  context: { type: "context", text: ["Small print"] },
  actions: { type: "actions", buttons: [{ label: "Go", action: "go", value: "{}" }] },
  image: { type: "image", url: "https://example.test/chart.png", alt: "A chart" },
  divider: { type: "divider" },
};

describe("renderers", () => {
  it("only compile as tables with an entry for every block kind", () => {
    const everyButDivider = {
      header: () => "h",
      text: () => "t",
      fields: () => "f",
      progress: () => "p",
      context: () => "c",
      actions: () => "a",
      image: () => "i",
    };
    // tsc (run by npm test) checks this line: a table missing a kind is refused.
    // @ts-expect-error "divider" has no entry
    const partial: BlockRenderers<string> = everyButDivider;
    expect(Object.keys(partial)).toHaveLength(Object.keys(EVERY_KIND).length - 1);
  });

  it("draw every kind as Block Kit and as Adaptive Card elements", () => {
    for (const block of Object.values(EVERY_KIND)) {
      expect(renderBlocks([block], 50).length, block.type).toBeGreaterThan(0);
      // A divider is drawn as a separator on the element after it.
      const card = renderBody([block, { type: "text", text: ["after"] }]);
      expect(card.length, block.type).toBe(block.type === "divider" ? 1 : 2);
    }
    expect(JSON.stringify(renderBlocks([EVERY_KIND.fields], 50))).toContain("/learn log");
    expect(JSON.stringify(renderBody([EVERY_KIND.fields]))).toContain("learn log");
    expect(JSON.stringify(renderBody([EVERY_KIND.fields]))).not.toContain("/learn");
  });
});
