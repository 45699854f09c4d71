import type { Actor } from "../../commands/core.ts";
import type { User } from "../../db/types.ts";
import { isValidTimeZone } from "../../time/schedule.ts";
import type { UserRepository } from "./repository.ts";

const MAX_NAME = 80;

/** Resolves the platform's person to our user, creating them on first contact. */
export class UserService {
  constructor(private readonly users: UserRepository) {}

  async identify(actor: Actor): Promise<User> {
    const existing = await this.users.findByPlatformId(
      actor.platform,
      actor.workspaceExternalId,
      actor.userExternalId,
    );
    if (existing) return existing;
    const profile = await actor.profile();
    return this.users.upsert({
      platform: actor.platform,
      workspaceExternalId: actor.workspaceExternalId,
      workspaceName: actor.workspaceName ?? null,
      userExternalId: actor.userExternalId,
      displayName: (profile.displayName.trim() || actor.userExternalId).slice(0, MAX_NAME),
      email: profile.email?.trim().toLowerCase() || null,
      timeZone: profile.timeZone && isValidTimeZone(profile.timeZone) ? profile.timeZone : "UTC",
    });
  }
}
