import type { Actor } from "../../src/commands/core.ts";
import { type Button, messageText, type Reply } from "../../src/messages/model.ts";

/** A Slack person in workspace T1 whose profile gives a name, an email and `tz`. */
export function actor(user: string, tz = "America/New_York"): Actor {
  return {
    platform: "slack",
    workspaceExternalId: "T1",
    userExternalId: user,
    profile: async () => ({
      displayName: `Person ${user}`,
      email: `${user}@example.com`,
      timeZone: tz,
    }),
  };
}

/**
 * The text of a reply that shows a message, commands spelt as on Slack where these people are;
 * any other reply fails the test.
 */
export const text = (reply: Reply) => {
  if (reply.kind !== "message" && reply.kind !== "update") throw new Error(`got ${reply.kind}`);
  return messageText(reply.message, "/learn");
};

/** The buttons of a reply's message, none for a reply without one. */
export const buttons = (reply: Reply): Button[] =>
  reply.kind === "message" || reply.kind === "update"
    ? reply.message.blocks.flatMap((b) => (b.type === "actions" ? b.buttons : []))
    : [];
