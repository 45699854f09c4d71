import type { Kysely } from "kysely";
import type { Database, Platform, User } from "../../db/types.ts";

export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The person and their workspace's language, read in the one query every request makes. */
  async findByPlatformId(
    platform: Platform,
    workspaceExternalId: string,
    userExternalId: string,
  ): Promise<{ user: User; workspaceLocale: string | null } | undefined> {
    const row = await this.db
      .selectFrom("users")
      .innerJoin("workspaces", "workspaces.id", "users.workspace_id")
      .where("workspaces.platform", "=", platform)
      .where("workspaces.external_id", "=", workspaceExternalId)
      .where("users.platform_user_id", "=", userExternalId)
      .selectAll("users")
      .select("workspaces.locale as workspace_locale")
      .executeTakeFirst();
    if (!row) return undefined;
    const { workspace_locale, ...user } = row;
    return { user, workspaceLocale: workspace_locale };
  }

  /** An epoch updated_at is stale at once, as for people first met by a mention. */
  async markProfileStale(
    platform: Platform,
    workspaceExternalId: string,
    userExternalId: string,
  ): Promise<void> {
    await this.db
      .updateTable("users")
      .set({ updated_at: new Date(0) })
      .where("platform_user_id", "=", userExternalId)
      .where("workspace_id", "in", (eb) =>
        eb
          .selectFrom("workspaces")
          .select("id")
          .where("platform", "=", platform)
          .where("external_id", "=", workspaceExternalId),
      )
      .execute();
  }

  async findById(id: number): Promise<User | undefined> {
    return this.db.selectFrom("users").where("id", "=", id).selectAll().executeTakeFirst();
  }

  /** The language a workspace's admins set for it, if any. */
  async workspaceLocale(workspaceId: number): Promise<string | null> {
    const row = await this.db
      .selectFrom("workspaces")
      .where("id", "=", workspaceId)
      .select("locale")
      .executeTakeFirst();
    return row?.locale ?? null;
  }

  async setLocale(userId: number, locale: string | null): Promise<void> {
    await this.db.updateTable("users").set({ locale }).where("id", "=", userId).execute();
  }

  async setWorkspaceLocale(workspaceId: number, locale: string | null): Promise<void> {
    await this.db.updateTable("workspaces").set({ locale }).where("id", "=", workspaceId).execute();
  }

  /** Creates the workspace and user if new; concurrent first contacts converge on one row. */
  async upsert(input: {
    platform: Platform;
    workspaceExternalId: string;
    workspaceName: string | null;
    userExternalId: string;
    displayName: string;
    email: string | null;
    timeZone: string;
    platformAdmin: boolean;
    /** The platform's locale for them, already checked; null when it names none we speak. */
    platformLocale: string | null;
    /** When the profile was read, from the injected clock. */
    at: Date;
  }): Promise<User> {
    return this.db.transaction().execute(async (trx) => {
      const workspace = await trx
        .insertInto("workspaces")
        .values({
          platform: input.platform,
          external_id: input.workspaceExternalId,
          name: input.workspaceName,
        })
        .onConflict((oc) =>
          oc.columns(["platform", "external_id"]).doUpdateSet((eb) => ({
            name: eb.fn.coalesce(eb.ref("excluded.name"), eb.ref("workspaces.name")),
          })),
        )
        .returning("id")
        .executeTakeFirstOrThrow();
      return trx
        .insertInto("users")
        .values({
          workspace_id: workspace.id,
          platform_user_id: input.userExternalId,
          display_name: input.displayName,
          email: input.email,
          time_zone: input.timeZone,
          platform_admin: input.platformAdmin,
          platform_locale: input.platformLocale,
          created_at: input.at,
          updated_at: input.at,
        })
        .onConflict((oc) =>
          oc.columns(["workspace_id", "platform_user_id"]).doUpdateSet({
            display_name: input.displayName,
            email: input.email,
            time_zone: input.timeZone,
            platform_admin: input.platformAdmin,
            platform_locale: input.platformLocale,
            updated_at: input.at,
          }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
    });
  }
}
