import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

/**
 * Slack token rotation: an app with it turned on gets a bot token that expires (about 12 hours)
 * and a refresh token for the next one. The refresh token is stored encrypted like the bot token
 * (same key, bound to the same installation); both columns are null for installations without
 * rotation, whose bot token never expires.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .alterTable("slack_installations")
    .addColumn("refresh_token_encrypted", "bytea")
    .addColumn("bot_token_expires_at", "timestamptz")
    .execute();
  await db.schema
    .alterTable("slack_installations")
    .addCheckConstraint(
      "slack_installations_rotation_check",
      sql`(refresh_token_encrypted is null) = (bot_token_expires_at is null)`,
    )
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema
    .alterTable("slack_installations")
    .dropConstraint("slack_installations_rotation_check")
    .execute();
  await db.schema
    .alterTable("slack_installations")
    .dropColumn("refresh_token_encrypted")
    .dropColumn("bot_token_expires_at")
    .execute();
}
