import { type Activity, TeamsInfo, type TurnContext } from "botbuilder";
import type { Actor, Core } from "../../src/commands/core.ts";
import type { PlatformProfile } from "../../src/ports.ts";
import type { AdapterLogger } from "./logging.ts";
import { tenantOf } from "./references.ts";

/**
 * The time zone of the person's client, e.g. "Europe/Berlin": Teams' clientInfo entity, else the
 * activity's standard localTimezone field, which some clients send without the entity.
 */
export function clientTimeZone(activity: Partial<Activity>): string | null {
  for (const entity of activity.entities ?? []) {
    const tz = (entity as { type?: string; timezone?: unknown }).timezone;
    if (entity.type === "clientInfo" && typeof tz === "string" && tz.trim()) return tz.trim();
  }
  const local = activity.localTimezone;
  return typeof local === "string" && local.trim() ? local.trim() : null;
}

/** The language of the person's client, e.g. "de-DE": the activity's locale, else clientInfo's. */
export function clientLocale(activity: Partial<Activity>): string | null {
  if (typeof activity.locale === "string" && activity.locale.trim()) return activity.locale.trim();
  for (const entity of activity.entities ?? []) {
    const locale = (entity as { type?: string; locale?: unknown }).locale;
    if (entity.type === "clientInfo" && typeof locale === "string" && locale.trim()) {
      return locale.trim();
    }
  }
  return null;
}

/** Who sent the activity, as Teams identifies them: the tenant and the AAD object id. */
export function teamsIdentity(
  activity: Partial<Activity>,
): { tenantId: string; aadObjectId: string } | undefined {
  const tenantId = tenantOf(activity);
  const aadObjectId = activity.from?.aadObjectId;
  return tenantId && aadObjectId ? { tenantId, aadObjectId } : undefined;
}

/**
 * The team channel the activity came from, if it did. Teams leaves out the name of a team's
 * General channel, whose id is the team's own.
 */
export function teamChannel(
  activity: Partial<Activity>,
): { id: string; name: string | null } | undefined {
  if (activity.conversation?.conversationType !== "channel") return undefined;
  const data = activity.channelData as
    | { channel?: { id?: string; name?: string }; team?: { id?: string } }
    | undefined;
  const id = data?.channel?.id;
  if (!id) return undefined;
  const name = data.channel?.name?.trim() || (id === data.team?.id ? "General" : null);
  return { id, name };
}

/**
 * Name and email from the roster (TeamsInfo.getMember), the time zone and locale from the activity. If the
 * roster call fails the activity's own display name still lets the person in.
 */
async function fetchProfile(context: TurnContext, logger: AdapterLogger): Promise<PlatformProfile> {
  const activity = context.activity;
  const timeZone = clientTimeZone(activity);
  const locale = clientLocale(activity);
  const fallbackName = activity.from?.name?.trim() || "Teams user";
  try {
    const member = await TeamsInfo.getMember(context, activity.from.id);
    const name =
      member.name?.trim() ||
      [member.givenName, member.surname].filter(Boolean).join(" ").trim() ||
      fallbackName;
    const email = member.email?.trim() || member.userPrincipalName?.trim() || null;
    return { displayName: name, email: email?.includes("@") ? email : null, timeZone, locale };
  } catch (error) {
    logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      "Teams member lookup failed; using the name from the activity",
    );
    return { displayName: fallbackName, email: null, timeZone, locale };
  }
}

/** The core's view of the sender; the roster is asked at most once, and only on first contact. */
export function teamsActor(context: TurnContext, logger: AdapterLogger): Actor | undefined {
  const identity = teamsIdentity(context.activity);
  if (!identity) return undefined;
  let profile: Promise<PlatformProfile> | undefined;
  const channel = teamChannel(context.activity);
  return {
    platform: "teams",
    workspaceExternalId: identity.tenantId,
    userExternalId: identity.aadObjectId,
    ...(channel ? { channel } : {}),
    profile: () => {
      profile ??= fetchProfile(context, logger);
      return profile;
    },
  };
}

/** The person's language: the one the core last answered them in, else their client's. */
export function personLocale(core: Core, activity: Partial<Activity>): string | undefined {
  const person = teamsIdentity(activity);
  const known =
    person &&
    core.localeOf?.({
      platform: "teams",
      workspaceExternalId: person.tenantId,
      userExternalId: person.aadObjectId,
    });
  return known || clientLocale(activity) || undefined;
}
