import type { Kysely } from "kysely";
import type { Database } from "../../src/db/types.ts";
import type { StandInUser } from "../slack/records.ts";
import { TENANT_ID, teamsPerson } from "./identity.ts";

/**
 * Teams tells a bot nothing of who administers the tenant, so the admin who installs the app for
 * the playground's tenant is given the admin role, as an admin would grant it with
 * `learn admin role`. Does nothing once they have a role.
 */
export async function grantInstallerAdmin(
  db: Kysely<Database>,
  installer: StandInUser,
  now: Date,
): Promise<void> {
  const person = teamsPerson(installer);
  await db.transaction().execute(async (trx) => {
    const workspace = await trx
      .insertInto("workspaces")
      .values({ platform: "teams", external_id: TENANT_ID, name: "Playground" })
      .onConflict((oc) =>
        oc.columns(["platform", "external_id"]).doUpdateSet({ name: "Playground" }),
      )
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("users")
      .values({
        workspace_id: workspace.id,
        platform_user_id: person.aadObjectId,
        display_name: person.name,
        email: person.email ?? null,
        time_zone: person.tz,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(["workspace_id", "platform_user_id"]).doNothing())
      .execute();
    const user = await trx
      .selectFrom("users")
      .where("workspace_id", "=", workspace.id)
      .where("platform_user_id", "=", person.aadObjectId)
      .select("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("org_people")
      .values({ user_id: user.id, workspace_id: workspace.id, role: "admin", manager_id: null })
      .onConflict((oc) => oc.column("user_id").doNothing())
      .execute();
  });
}
