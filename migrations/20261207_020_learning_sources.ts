import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

/**
 * Where a credential's learning is reported from outside: the xAPI activity ids (an entry ending
 * in "*" is a prefix) and the Credly badge templates (ids or names) the catalog maps to it. Null
 * when the catalog never said. A completion an LMS reported names the LMS, and is never shown as
 * a verified badge.
 */
export async function up(db: Db): Promise<void> {
  await sql`alter table credentials
    add column xapi_activities text[],
    add column credly_templates text[]`.execute(db);
  await sql`alter table completions add column reported_by text
    check (length(reported_by) between 1 and 100)`.execute(db);
}

export async function down(db: Db): Promise<void> {
  await sql`alter table completions drop column reported_by`.execute(db);
  await sql`alter table credentials drop column xapi_activities, drop column credly_templates`.execute(
    db,
  );
}
