import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

/**
 * The team a channel's reference belongs to, so removing the bot from a team forgets every
 * channel of it, not only the one the removal came from. Null for personal chats and group chats.
 */
export async function up(db: Db): Promise<void> {
  await sql`alter table teams_conversation_references add column team_id text`.execute(db);
  await sql`create index teams_conversation_references_team_idx
    on teams_conversation_references (tenant_id, team_id) where team_id is not null`.execute(db);
}

export async function down(db: Db): Promise<void> {
  await sql`drop index teams_conversation_references_team_idx`.execute(db);
  await sql`alter table teams_conversation_references drop column team_id`.execute(db);
}
