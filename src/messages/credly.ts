import type { BadgeOutcome, SyncResult } from "../domain/credly/service.ts";
import type { Block, Button, Message } from "./model.ts";

const button = (
  label: string,
  action: string,
  value: Record<string, unknown>,
  style?: "primary" | "danger",
): Button => ({
  label,
  action,
  value: JSON.stringify(value),
  ...(style ? { style } : {}),
});

const text = (message: string, note?: string): Message => ({
  summary: message,
  blocks: [
    { type: "text", text: [message] },
    ...(note ? [{ type: "context", text: [note] } as Block] : []),
  ],
});

/** What a read of the profile found, or null when there is nothing worth a message. */
export function credlySyncMessage(result: SyncResult, asked: boolean): Message | null {
  switch (result.kind) {
    case "not_linked":
      return asked ? text("No Credly profile is connected.") : null;
    case "not_found":
      return text(
        `I couldn't find a public Credly profile called ${result.username}.`,
        "Check the name in your profile's address, and that the profile is public.",
      );
    case "unreachable":
      return asked
        ? text(`Credly didn't answer just now (${result.message}). I'll try again tomorrow.`)
        : null;
    case "ask_owner": {
      const who = result.names.length
        ? `The badges on the Credly profile ${result.username} are issued to ${result.names.slice(0, 3).join(", ")}.`
        : `The Credly profile ${result.username} has no public badges yet, so I can't check whose it is.`;
      return {
        summary: `Is ${result.username} your Credly profile?`,
        blocks: [
          { type: "text", text: [who, " Is it your profile?"] },
          {
            type: "actions",
            buttons: [
              button("Yes, it's mine", "credly.owner", { yes: true }, "primary"),
              button("No, disconnect it", "credly.owner", { yes: false }),
            ],
          },
        ],
      };
    }
    case "synced":
      return syncedMessage(result, asked);
  }
}

function syncedMessage(
  result: Extract<SyncResult, { kind: "synced" }>,
  asked: boolean,
): Message | null {
  const { completed, confirm, offered } = result;
  const nothing = completed.length + confirm.length + offered.length === 0;
  if (nothing && !asked && !result.first) return null;
  const blocks: Block[] = [];
  if (result.first)
    blocks.push({
      type: "text",
      text: [`Connected your Credly profile ${result.username}: I'll read it every day.`],
    });
  for (const c of completed) {
    blocks.push({
      type: "text",
      text: [
        "🎉 ",
        { bold: c.goal?.title ?? c.badge.name },
        ` is completed with your Credly badge ${c.badge.name}. I'm checking the badge now.`,
      ],
    });
  }
  for (const c of confirm) blocks.push(...confirmBlocks(c));
  for (const c of offered) blocks.push(...offerBlocks(c));
  if (nothing)
    blocks.push({
      type: "text",
      text: [`No new badges on ${result.username} since the last look.`],
    });
  const summary = completed.length
    ? `Completed ${completed.length} goal${completed.length === 1 ? "" : "s"} with Credly badges`
    : `Credly: ${result.seen} badge${result.seen === 1 ? "" : "s"} on ${result.username}`;
  return { summary, blocks };
}

function confirmBlocks(c: BadgeOutcome): Block[] {
  return [
    {
      type: "text",
      text: [
        "Is your Credly badge ",
        { bold: c.badge.name },
        " for your goal ",
        { bold: c.goal?.title ?? "" },
        "?",
      ],
    },
    {
      type: "actions",
      buttons: [
        button(
          "Yes, complete the goal",
          "credly.badge",
          { b: c.badge.id, c: "confirm" },
          "primary",
        ),
        button("No", "credly.badge", { b: c.badge.id, c: "reject" }),
      ],
    },
  ];
}

export function offerBlocks(c: Pick<BadgeOutcome, "badge">): Block[] {
  const by = c.badge.issuer ? ` from ${c.badge.issuer}` : "";
  return [
    {
      type: "text",
      text: [
        "Your Credly badge ",
        { bold: c.badge.name },
        `${by} matches none of your goals. Add it to your record?`,
      ],
    },
    {
      type: "actions",
      buttons: [
        button("Add to my record", "credly.badge", { b: c.badge.id, c: "add" }, "primary"),
        button("No thanks", "credly.badge", { b: c.badge.id, c: "dismiss" }),
      ],
    },
  ];
}

export const credlyText = text;
