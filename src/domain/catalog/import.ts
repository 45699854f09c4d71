import { type Kysely, sql, type Transaction } from "kysely";
import type { Database } from "../../db/types.ts";
import {
  type CatalogRow,
  type CredentialRow,
  credentialKey,
  type LineError,
  type StackRow,
} from "./import-fields.ts";

export type {
  CatalogRow,
  CredentialRow,
  LineError,
  ProviderRow,
  StackCredentialRef,
  StackRow,
} from "./import-fields.ts";
export {
  type CatalogFormat,
  CSV_OPTIONAL_COLUMNS,
  CSV_REQUIRED_COLUMNS,
  type ParsedCatalog,
  parseCatalogFile,
} from "./import-parse.ts";

export interface ImportCounts {
  providersAdded: number;
  providersUpdated: number;
  credentialsAdded: number;
  credentialsUpdated: number;
  credentialsUnchanged: number;
  stacksAdded: number;
  stacksUpdated: number;
}

export type ImportOutcome = { ok: true; counts: ImportCounts } | { ok: false; errors: LineError[] };

// Keeps each statement well under PostgreSQL's 65,535 bind parameters.
const CHUNK = 1000;

class Rejected extends Error {
  constructor(readonly errors: LineError[]) {
    super("catalog import rejected");
  }
}

/**
 * Writes parsed rows in one transaction: providers are matched by name, credentials by provider
 * and title (both ignoring case), stacks by role. Stack entries may name credentials already in
 * the catalog; one that matches nothing, or several, rejects the whole import and writes nothing.
 */
export async function importCatalog(
  db: Kysely<Database>,
  rows: readonly CatalogRow[],
): Promise<ImportOutcome> {
  try {
    const counts = await db.transaction().execute((trx) => write(trx, rows));
    return { ok: true, counts };
  } catch (error) {
    if (error instanceof Rejected) return { ok: false, errors: error.errors };
    throw error;
  }
}

/**
 * Issuer domains a file names (for a provider, or on a credential's row for its provider) are
 * added to those stored, never taken away.
 */
async function addIssuerDomains(
  trx: Transaction<Database>,
  rows: readonly CatalogRow[],
  providerId: ReadonlyMap<string, number>,
): Promise<void> {
  const domains = new Map<string, Set<string>>();
  for (const row of rows) {
    const named =
      row.kind === "provider"
        ? { name: row.name, list: row.issuerDomains }
        : row.kind === "credential"
          ? { name: row.provider, list: row.issuerDomains ?? [] }
          : null;
    if (!named || named.list.length === 0) continue;
    const key = named.name.toLowerCase();
    domains.set(key, new Set([...(domains.get(key) ?? []), ...named.list]));
  }
  for (const [name, list] of domains) {
    const id = providerId.get(name);
    if (id === undefined) continue;
    await trx
      .updateTable("providers")
      .set({
        issuer_domains: sql<string[]>`array(
          select distinct d from unnest(issuer_domains || ${sql.val([...list])}::text[]) d
          order by d)`,
      })
      .where("id", "=", id)
      .execute();
  }
}

async function write(
  trx: Transaction<Database>,
  rows: readonly CatalogRow[],
): Promise<ImportCounts> {
  const credentials = rows.filter((r): r is CredentialRow => r.kind === "credential");
  const stacks = rows.filter((r): r is StackRow => r.kind === "stack");
  const counts: ImportCounts = {
    providersAdded: 0,
    providersUpdated: 0,
    credentialsAdded: 0,
    credentialsUpdated: 0,
    credentialsUnchanged: 0,
    stacksAdded: 0,
    stacksUpdated: 0,
  };

  // Resolve stack entries before writing anything, so a bad reference costs no work.
  const { refs: stackRefs, storedIds } = await resolveStackRefs(trx, credentials, stacks);

  // Providers: the file's URL wins when it gives one.
  const wantedUrl = new Map<string, { name: string; url: string | null }>();
  const noteProvider = (name: string, url: string | null) => {
    const key = name.toLowerCase();
    const seen = wantedUrl.get(key);
    if (!seen) wantedUrl.set(key, { name, url });
    else if (seen.url === null) seen.url = url;
  };
  for (const row of rows) {
    if (row.kind === "provider") noteProvider(row.name, row.url);
    else if (row.kind === "credential") noteProvider(row.provider, row.providerUrl);
  }
  const providerId = new Map<string, number>();
  if (wantedUrl.size > 0) {
    const existing = await trx
      .selectFrom("providers")
      .select(["id", "name", "url"])
      .where(sql<string>`lower(name)`, "in", [...wantedUrl.keys()])
      .execute();
    const changed: { name: string; url: string | null }[] = [];
    for (const provider of existing) {
      const key = provider.name.toLowerCase();
      // Two stored names differing only in case: keep the exact match.
      if (providerId.has(key) && provider.name !== wantedUrl.get(key)?.name) continue;
      providerId.set(key, provider.id);
      const url = wantedUrl.get(key)?.url ?? null;
      if (url !== null && url !== provider.url) changed.push({ name: provider.name, url });
    }
    const added = [...wantedUrl.entries()].filter(([key]) => !providerId.has(key));
    if (added.length > 0) {
      const inserted = await trx
        .insertInto("providers")
        .values(added.map(([, p]) => ({ name: p.name, url: p.url })))
        .returning(["id", "name"])
        .execute();
      for (const p of inserted) providerId.set(p.name.toLowerCase(), p.id);
      counts.providersAdded = inserted.length;
    }
    if (changed.length > 0) {
      await trx
        .insertInto("providers")
        .values(changed)
        .onConflict((oc) => oc.column("name").doUpdateSet({ url: (eb) => eb.ref("excluded.url") }))
        .execute();
      counts.providersUpdated = changed.length;
    }
  }

  await addIssuerDomains(trx, rows, providerId);

  // Credentials: one upsert per chunk; rows that would not change are left alone and counted.
  const credentialId = new Map<string, number>(storedIds);
  for (let i = 0; i < credentials.length; i += CHUNK) {
    const chunk = credentials.slice(i, i + CHUNK);
    const providerIds = [...new Set(chunk.map((c) => providerId.get(c.provider.toLowerCase())!))];
    const existing = await trx
      .selectFrom("credentials")
      .select(["id", "provider_id", "title"])
      .where("provider_id", "in", providerIds)
      .where(sql<string>`lower(title)`, "in", [...new Set(chunk.map((c) => c.title.toLowerCase()))])
      .execute();
    const stored = new Map<string, { id: number; title: string }>();
    for (const c of existing) {
      const key = `${c.provider_id}\u0000${c.title.toLowerCase()}`;
      const row = chunk.find(
        (r) => providerId.get(r.provider.toLowerCase()) === c.provider_id && r.title === c.title,
      );
      if (!stored.has(key) || row) stored.set(key, { id: c.id, title: c.title });
    }
    const values = chunk.map((row) => {
      const pid = providerId.get(row.provider.toLowerCase())!;
      const match = stored.get(`${pid}\u0000${row.title.toLowerCase()}`);
      return {
        provider_id: pid,
        title: match?.title ?? row.title,
        url: row.url,
        estimated_hours: row.estimatedHours,
        skills: row.skills,
        cost_usd: row.costUsd,
        level: row.level,
        xapi_activities: row.xapiActivities ?? null,
        credly_templates: row.credlyTemplates ?? null,
      };
    });
    const written = await trx
      .insertInto("credentials")
      .values(values)
      .onConflict((oc) =>
        oc
          .constraint("credentials_provider_title_key")
          .doUpdateSet({
            url: (eb) => eb.ref("excluded.url"),
            estimated_hours: (eb) => eb.ref("excluded.estimated_hours"),
            skills: (eb) => eb.ref("excluded.skills"),
            cost_usd: (eb) => eb.ref("excluded.cost_usd"),
            level: (eb) => eb.ref("excluded.level"),
            // A file that does not mention a mapping keeps the stored one.
            xapi_activities: sql`coalesce(excluded.xapi_activities, credentials.xapi_activities)`,
            credly_templates: sql`coalesce(excluded.credly_templates, credentials.credly_templates)`,
          })
          .where(
            sql<boolean>`(credentials.url, credentials.estimated_hours, credentials.skills, credentials.cost_usd, credentials.level,
                coalesce(excluded.xapi_activities, credentials.xapi_activities),
                coalesce(excluded.credly_templates, credentials.credly_templates))
              is distinct from (excluded.url, excluded.estimated_hours, excluded.skills, excluded.cost_usd, excluded.level,
                credentials.xapi_activities, credentials.credly_templates)`,
          ),
      )
      .returning(["id", sql<boolean>`xmax = 0`.as("inserted")])
      .execute();
    const added = written.filter((w) => w.inserted).length;
    counts.credentialsAdded += added;
    counts.credentialsUpdated += written.length - added;
    counts.credentialsUnchanged += chunk.length - written.length;
    // Unchanged rows return nothing, so look the ids up once for the whole chunk.
    const ids = await trx
      .selectFrom("credentials")
      .innerJoin("providers", "providers.id", "credentials.provider_id")
      .select(["credentials.id", "credentials.title", "providers.name"])
      .where("credentials.provider_id", "in", providerIds)
      .where("credentials.title", "in", [...new Set(values.map((v) => v.title))])
      .execute();
    for (const c of ids) credentialId.set(credentialKey(c.name, c.title), c.id);
  }

  // Stacks: upsert by role and replace their ordered lists.
  if (stacks.length > 0) {
    const existing = await trx
      .selectFrom("stacks")
      .select(["id", "role"])
      .where(
        sql<string>`lower(role)`,
        "in",
        stacks.map((s) => s.role.toLowerCase()),
      )
      .execute();
    const storedRole = new Map(existing.map((s) => [s.role.toLowerCase(), s.role]));
    const written = await trx
      .insertInto("stacks")
      .values(
        stacks.map((s) => ({
          role: storedRole.get(s.role.toLowerCase()) ?? s.role,
          title: s.title,
          description: s.description,
        })),
      )
      .onConflict((oc) =>
        oc.column("role").doUpdateSet({
          title: (eb) => eb.ref("excluded.title"),
          description: (eb) => eb.ref("excluded.description"),
        }),
      )
      .returning(["id", "role", sql<boolean>`xmax = 0`.as("inserted")])
      .execute();
    counts.stacksAdded = written.filter((w) => w.inserted).length;
    counts.stacksUpdated = written.length - counts.stacksAdded;
    const stackId = new Map(written.map((w) => [w.role.toLowerCase(), w.id]));
    await trx
      .deleteFrom("stack_credentials")
      .where(
        "stack_id",
        "in",
        written.map((w) => w.id),
      )
      .execute();
    const entries = stacks.flatMap((s) =>
      (stackRefs.get(s) ?? []).map((key, i) => {
        const id = credentialId.get(key);
        if (id === undefined) throw new Error(`credential ${key} vanished during import`);
        return { stack_id: stackId.get(s.role.toLowerCase())!, position: i + 1, credential_id: id };
      }),
    );
    if (entries.length > 0) await trx.insertInto("stack_credentials").values(entries).execute();
  }
  return counts;
}

/**
 * Maps each stack entry to a credential key (provider + title), from this file or the catalog,
 * with the ids of the catalog credentials it found.
 */
async function resolveStackRefs(
  trx: Transaction<Database>,
  credentials: readonly CredentialRow[],
  stacks: readonly StackRow[],
): Promise<{ refs: Map<StackRow, string[]>; storedIds: Map<string, number> }> {
  const resolved = new Map<StackRow, string[]>();
  if (stacks.length === 0) return { refs: resolved, storedIds: new Map() };
  const titles = [
    ...new Set(stacks.flatMap((s) => s.credentials.map((r) => r.title.toLowerCase()))),
  ];
  const stored = await trx
    .selectFrom("credentials")
    .innerJoin("providers", "providers.id", "credentials.provider_id")
    .select(["credentials.id", "credentials.title", "providers.name"])
    .where(sql<string>`lower(credentials.title)`, "in", titles)
    .execute();
  // Candidates by lower-case title: display names keyed by credential key.
  const candidates = new Map<string, Map<string, { title: string; provider: string }>>();
  const add = (provider: string, title: string) => {
    const byKey = candidates.get(title.toLowerCase()) ?? new Map();
    const key = credentialKey(provider, title);
    if (!byKey.has(key)) byKey.set(key, { title, provider });
    candidates.set(title.toLowerCase(), byKey);
  };
  for (const c of stored) add(c.name, c.title);
  for (const c of credentials) add(c.provider, c.title);

  const errors: LineError[] = [];
  for (const stack of stacks) {
    const keys: string[] = [];
    for (const ref of stack.credentials) {
      const found = [...(candidates.get(ref.title.toLowerCase()) ?? new Map()).entries()].filter(
        ([, c]) => ref.provider === null || c.provider.toLowerCase() === ref.provider.toLowerCase(),
      );
      const [first, second] = found;
      if (!first) {
        const from = ref.provider ? ` from ${ref.provider}` : "";
        errors.push({
          line: ref.line,
          message: `stack "${stack.role}" lists "${ref.title}"${from}, which is neither in this file nor in the catalog`,
        });
      } else if (second) {
        errors.push({
          line: ref.line,
          message: `stack "${stack.role}" lists "${ref.title}", offered by ${found.map(([, c]) => c.provider).join(" and ")}; write it as {title, provider}`,
        });
      } else if (keys.includes(first[0])) {
        errors.push({
          line: ref.line,
          message: `"${ref.title}" is already in stack "${stack.role}"`,
        });
      } else keys.push(first[0]);
    }
    resolved.set(stack, keys);
  }
  if (errors.length > 0) throw new Rejected(errors.sort((a, b) => a.line - b.line));
  const storedIds = new Map(stored.map((c) => [credentialKey(c.name, c.title), c.id]));
  return { refs: resolved, storedIds };
}
