import type { webApi } from "@slack/bolt";
import type { Actor } from "../../src/commands/core.ts";
import type { PlatformProfile } from "../../src/ports.ts";

export interface SlackIdentity {
  teamId: string;
  teamName?: string | undefined;
  userId: string;
  /** The channel a command was typed in, when it is a shared channel (not a DM). */
  channel?: { id: string; name: string | null } | undefined;
}

/**
 * Name, email, time zone, locale and admin rights from users.info (email needs the
 * users:read.email scope; the locale comes only when asked for with include_locale).
 */
export async function fetchProfile(
  client: webApi.WebClient,
  userId: string,
): Promise<PlatformProfile> {
  const result = await client.users.info({ user: userId, include_locale: true });
  const user = result.user;
  if (!user) throw new Error(`users.info returned no user for ${userId}`);
  const displayName =
    user.profile?.display_name?.trim() ||
    user.profile?.real_name?.trim() ||
    user.real_name?.trim() ||
    user.name ||
    userId;
  return {
    displayName,
    email: user.profile?.email?.trim() || null,
    timeZone: user.tz?.trim() || null,
    isAdmin: Boolean(user.is_owner || user.is_admin || user.is_primary_owner),
    locale: user.locale?.trim() || null,
  };
}

/** The core's view of a Slack user; the profile is fetched at most once, and only if asked for. */
export function slackActor(client: webApi.WebClient, identity: SlackIdentity): Actor {
  let profile: Promise<PlatformProfile> | undefined;
  return {
    platform: "slack",
    workspaceExternalId: identity.teamId,
    ...(identity.teamName ? { workspaceName: identity.teamName } : {}),
    userExternalId: identity.userId,
    ...(identity.channel ? { channel: identity.channel } : {}),
    profile: () => {
      profile ??= fetchProfile(client, identity.userId).catch((error: unknown) => {
        profile = undefined; // let a later call try again
        throw error;
      });
      return profile;
    },
  };
}
