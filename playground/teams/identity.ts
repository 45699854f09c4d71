import { createHash } from "node:crypto";
import type { StandInUser } from "../slack/records.ts";

/** The playground's pretend Microsoft 365 tenant: Stackup's Teams workspace is keyed by it. */
export const TENANT_ID = "5eed0000-0000-4000-8000-00000000c0de";
/** The bot as Teams addresses it. */
export const BOT = { id: "28:stackup-playground-bot", name: "Stackup" };

/** The tenant's one team; its General channel has the team's own id, as in Teams. */
export const TEAM = { id: "19:playground-general@thread.tacv2", name: "Playground" };
export const TEAM_ID = TEAM.id;

/** The team's standard channels: the same as the Slack workspace's, General first. */
export const CHANNELS: readonly { id: string; name: string }[] = [
  { id: TEAM.id, name: "General" },
  ...["learning", "data", "marketing", "support"].map((name) => ({
    id: channelId(name),
    name,
  })),
];

/** The id of a team channel by its name, as the demo organisation's teams are given. */
export function channelId(name: string): string {
  return `19:playground-${name}@thread.tacv2`;
}

/** A person as Teams knows them: the chat member id, the AAD object id and the roster entry. */
export interface TeamsPerson {
  /** The playground's id for the person, shared with the Slack view ("U0LEARNER"). */
  key: string;
  /** The name typed after @ to mention them ("ada"). */
  handle: string;
  id: string;
  aadObjectId: string;
  name: string;
  email: string | undefined;
  tz: string;
  locale: string;
}

/** A stable AAD object id (a version 4 UUID's shape) for a playground person. */
export function aadObjectIdOf(key: string): string {
  const hex = createHash("sha256").update(`playground:${key}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The same person the Slack view has, with the ids Teams would give them. */
export function teamsPerson(user: StandInUser): TeamsPerson {
  return {
    key: user.id,
    handle: user.name,
    id: `29:playground-${user.id}`,
    aadObjectId: aadObjectIdOf(user.id),
    name: user.real_name || user.name,
    email: user.email,
    tz: user.tz ?? "UTC",
    locale: user.locale ?? "en-US",
  };
}

/** A person's personal chat with the bot. */
export function personalChatId(key: string): string {
  return `a:playground-personal-${key}`;
}
