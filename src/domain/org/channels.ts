import type { Platform } from "../../db/types.ts";

/** The chat channel a team's digests and shares go to. */
export interface ChannelRef {
  id: string;
  name: string | null;
}

const SLACK_CHANNEL = /^[CG][A-Z0-9]{2,}$/;
/** Teams channel ids: `19:…@thread.tacv2` (and the older `@thread.skype`). */
const TEAMS_CHANNEL = /^19:[^\s/?#@]+@thread\.[a-z0-9]+$/i;

/** Which platform a channel id belongs to, or undefined when it is neither's. */
export function channelPlatform(id: string): Platform | undefined {
  if (SLACK_CHANNEL.test(id)) return "slack";
  if (TEAMS_CHANNEL.test(id)) return "teams";
  return undefined;
}

/**
 * A channel as an admin writes it down: a Slack channel id (C…), a Teams channel id (19:…), or
 * the link Teams copies with "Get link to channel", which carries the id and the name.
 */
export function readChannel(text: string): ChannelRef | undefined {
  const value = text.trim();
  if (channelPlatform(value)) return { id: value, name: null };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const [l, kind, id, name] = url.pathname.split("/").filter(Boolean);
  if (url.protocol !== "https:" || l !== "l" || kind !== "channel" || !id) return undefined;
  let decoded: { id: string; name: string | null };
  try {
    decoded = {
      id: decodeURIComponent(id),
      name: name ? decodeURIComponent(name).trim() || null : null,
    };
  } catch {
    return undefined;
  }
  return channelPlatform(decoded.id) === "teams" ? decoded : undefined;
}
