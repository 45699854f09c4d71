import type { webApi } from "@slack/bolt";
import type { SentLookup } from "./index.ts";

/**
 * Finds a check-in already posted to a person's DM: its buttons carry the delivery key. Needs the
 * im:history scope; without a lookup a crash between Slack's answer and our record can repeat one.
 */
export function slackSentLookup(
  client: webApi.WebClient,
  slackUserId: (userId: number) => Promise<string>,
): SentLookup {
  return {
    async findSent(to, key, since) {
      if (to.kind !== "user") return null;
      const opened = await client.conversations.open({ users: await slackUserId(to.userId) });
      const channel = opened.channel?.id;
      if (!channel) return null;
      const history = await client.conversations.history({
        channel,
        oldest: String(Math.floor(since.getTime() / 1000) - 60),
        limit: 50,
      });
      const needle = JSON.stringify(key).slice(1, -1);
      for (const m of history.messages ?? []) {
        if (m.ts && JSON.stringify(m.blocks ?? []).includes(needle))
          return { ref: `${channel}:${m.ts}` };
      }
      return null;
    },
  };
}
