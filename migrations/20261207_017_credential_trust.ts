import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen and untyped
type Db = Kysely<any>;

// The domains the seeded providers really issue from (Credly for several), as of this migration.
const ISSUER_DOMAINS: [provider: string, domains: string[]][] = [
  ["Coursera", ["coursera.org"]],
  ["edX", ["edx.org"]],
  ["LinkedIn Learning", ["linkedin.com"]],
  ["Google Career Certificates", ["google.com", "grow.google", "credly.com"]],
  ["IBM SkillsBuild", ["skillsbuild.org", "ibm.com", "credly.com"]],
  ["FutureLearn", ["futurelearn.com"]],
  ["Microsoft", ["microsoft.com", "credly.com"]],
  ["Meta", ["facebookblueprint.com", "meta.com", "credly.com"]],
  ["HubSpot Academy", ["hubspot.com"]],
  ["PMI", ["pmi.org", "credly.com"]],
  ["Zendesk", ["zendesk.com"]],
  ["Wharton Online", ["upenn.edu"]],
  ["Vanderbilt University", ["vanderbilt.edu"]],
];

/**
 * Trust apart from conformance: providers carry the domains they issue from; a completion keeps
 * whether its badge is trusted, its proven issuer domain, whether it is this person's and for this
 * goal, and the person's one-time confirmation for a free-text goal. Completions shown as verified
 * so far are marked for one re-check under the new rules.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .alterTable("providers")
    .addColumn("issuer_domains", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();
  for (const [name, domains] of ISSUER_DOMAINS) {
    await db
      .updateTable("providers")
      .set({ issuer_domains: sql`${sql.val(domains)}::text[]` })
      .where("name", "=", name)
      .execute();
  }
  await db.schema
    .alterTable("completions")
    // null: not checked under the trust rules yet
    .addColumn("trusted", "boolean")
    .addColumn("issuer_domain", "text")
    .addColumn("trust_reasons", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("matches_credential", "boolean")
    .addColumn("badge_confirmed_at", "timestamptz")
    .addColumn("trust_recheck_due", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();
  await sql`
    update completions set trust_recheck_due = true
    where verification_status in ('verified', 'warning') and revoked_at is null`.execute(db);
  await db.schema
    .createIndex("completions_trust_recheck_idx")
    .on("completions")
    .column("id")
    .where(sql.ref("trust_recheck_due"), "=", true)
    .execute();
  await sql`alter table verification_deliveries drop constraint verification_deliveries_kind_check`.execute(
    db,
  );
  await sql`alter table verification_deliveries add constraint verification_deliveries_kind_check
    check (kind in ('result', 'expiry_30', 'expiry_7', 'revoked', 'unverified'))`.execute(db);
}

export async function down(db: Db): Promise<void> {
  await sql`delete from verification_deliveries where kind = 'unverified'`.execute(db);
  await sql`alter table verification_deliveries drop constraint verification_deliveries_kind_check`.execute(
    db,
  );
  await sql`alter table verification_deliveries add constraint verification_deliveries_kind_check
    check (kind in ('result', 'expiry_30', 'expiry_7', 'revoked'))`.execute(db);
  await db.schema.dropIndex("completions_trust_recheck_idx").execute();
  await db.schema
    .alterTable("completions")
    .dropColumn("trusted")
    .dropColumn("issuer_domain")
    .dropColumn("trust_reasons")
    .dropColumn("matches_credential")
    .dropColumn("badge_confirmed_at")
    .dropColumn("trust_recheck_due")
    .execute();
  await db.schema.alterTable("providers").dropColumn("issuer_domains").execute();
}
