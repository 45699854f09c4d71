import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen and untyped
type Db = Kysely<any>;

const COLUMNS = [
  "verdict",
  "credential_kind",
  "reasons",
  "issuer_name",
  "issuer_id",
  "issuer_url",
  "achievement_name",
  "issued_on",
  "expires_at",
  "recipient_match",
  "raw_credential",
  "checked_at",
  "revoked_at",
] as const;

export async function up(db: Db): Promise<void> {
  await db.schema
    .alterTable("completions")
    .addColumn("verdict", "text", (c) => c.check(sql`verdict in ('valid', 'warning', 'invalid')`))
    .addColumn("credential_kind", "text", (c) =>
      c.check(sql`credential_kind in ('ob2', 'ob3', 'link_only', 'unknown')`),
    )
    .addColumn("reasons", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("issuer_name", "text")
    .addColumn("issuer_id", "text")
    .addColumn("issuer_url", "text")
    .addColumn("achievement_name", "text")
    .addColumn("issued_on", "timestamptz")
    .addColumn("expires_at", "timestamptz")
    // null: the credential names no recipient we could compare, or it was never checked
    .addColumn("recipient_match", "boolean")
    .addColumn("raw_credential", "jsonb")
    .addColumn("checked_at", "timestamptz")
    .addColumn("revoked_at", "timestamptz")
    .execute();
  await db.schema
    .createIndex("completions_expires_at_idx")
    .on("completions")
    .column("expires_at")
    .where(sql.ref("expires_at"), "is not", null)
    .execute();

  // One row per message about a credential, so a retried or re-run job never sends it twice.
  await db.schema
    .createTable("verification_deliveries")
    .addColumn("id", "integer", (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn("completion_id", "integer", (c) =>
      c.notNull().references("completions.id").onDelete("cascade"),
    )
    .addColumn("kind", "text", (c) =>
      c.notNull().check(sql`kind in ('result', 'expiry_30', 'expiry_7', 'revoked')`),
    )
    // What the message was about: the checked evidence, or the expiry date reminded of
    .addColumn("key", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("sent_at", "timestamptz", (c) => c.notNull())
    .addUniqueConstraint("verification_deliveries_once_key", ["completion_id", "kind", "key"])
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable("verification_deliveries").execute();
  await db.schema.dropIndex("completions_expires_at_idx").execute();
  let alter = db.schema.alterTable("completions").dropColumn(COLUMNS[0]);
  for (const column of COLUMNS.slice(1)) alter = alter.dropColumn(column);
  await alter.execute();
}
