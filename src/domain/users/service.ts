import type { Platform, User } from "../../db/types.ts";
import type { PlatformProfile } from "../../ports.ts";
import type { Clock } from "../../time/clock.ts";
import { isValidTimeZone } from "../../time/schedule.ts";
import type { UserRepository } from "./repository.ts";

const MAX_NAME = 80;
const HOUR = 3_600_000;
/** Names, emails and time zones change; look again at most this often. */
const PROFILE_TTL_MS = 24 * HOUR;

/** A BCP 47 tag in its canonical spelling ("de_de" → "de-DE"), or null if it is none. */
export function canonicalLocale(code: string | null | undefined): string | null {
  const cleaned = code?.trim().replace(/_/g, "-");
  if (!cleaned || cleaned.length > 35) return null;
  try {
    return Intl.getCanonicalLocales(cleaned)[0] ?? null;
  } catch {
    return null;
  }
}

/** A person as their platform identifies them; the commands' Actor is one. */
export interface PlatformPerson {
  platform: Platform;
  workspaceExternalId: string;
  workspaceName?: string;
  userExternalId: string;
  /** Looks the person up on the platform; called on first contact and when stale. */
  profile: () => Promise<PlatformProfile>;
}

export type TimeZoneChanged = (user: User, previousZone: string) => Promise<void>;

/** Resolves the platform's person to our user, creating them on first contact. */
export class UserService {
  private readonly zoneListeners: TimeZoneChanged[] = [];

  constructor(
    private readonly users: UserRepository,
    private readonly clock: Clock,
  ) {}

  /** Called when a refreshed profile moves someone to another time zone. */
  onTimeZoneChange(listener: TimeZoneChanged): void {
    this.zoneListeners.push(listener);
  }

  private stale(user: User): boolean {
    // People added by a mention before they used the bot carry an epoch updated_at: stale at once.
    return this.clock.now().getTime() - new Date(user.updated_at).getTime() > PROFILE_TTL_MS;
  }

  /** Marks a known person's profile as out of date, so their next request reads it again. */
  async profileChanged(
    person: Pick<PlatformPerson, "platform" | "workspaceExternalId" | "userExternalId">,
  ): Promise<void> {
    await this.users.markProfileStale(
      person.platform,
      person.workspaceExternalId,
      person.userExternalId,
    );
  }

  /**
   * The person, created on first contact or refreshed when stale; with their workspace's language
   * when the lookup read it (undefined after a refresh: ask `workspaceLocale`).
   */
  async identify(actor: PlatformPerson): Promise<{ user: User; workspaceLocale?: string | null }> {
    const found = await this.users.findByPlatformId(
      actor.platform,
      actor.workspaceExternalId,
      actor.userExternalId,
    );
    const existing = found?.user;
    if (found && !this.stale(found.user)) return found;
    let profile: PlatformProfile;
    try {
      profile = await actor.profile();
    } catch (error) {
      // A platform hiccup must not stop a known person from using the bot.
      if (found) return found;
      throw error;
    }
    const user = await this.users.upsert({
      platform: actor.platform,
      workspaceExternalId: actor.workspaceExternalId,
      workspaceName: actor.workspaceName ?? null,
      userExternalId: actor.userExternalId,
      displayName: (profile.displayName.trim() || actor.userExternalId).slice(0, MAX_NAME),
      email: profile.email?.trim().toLowerCase() || null,
      timeZone: profile.timeZone && isValidTimeZone(profile.timeZone) ? profile.timeZone : "UTC",
      platformAdmin: profile.isAdmin === true,
      platformLocale: canonicalLocale(profile.locale),
      at: this.clock.now(),
    });
    if (existing && existing.time_zone !== user.time_zone) {
      for (const listener of this.zoneListeners) await listener(user, existing.time_zone);
    }
    return { user };
  }

  /** The language a workspace's admins set for it, if any. */
  workspaceLocale(workspaceId: number): Promise<string | null> {
    return this.users.workspaceLocale(workspaceId);
  }

  /** The person's own choice of language; null goes back to the platform's. */
  setLocale(user: User, locale: string | null): Promise<void> {
    return this.users.setLocale(user.id, locale);
  }

  setWorkspaceLocale(workspaceId: number, locale: string | null): Promise<void> {
    return this.users.setWorkspaceLocale(workspaceId, locale);
  }
}
