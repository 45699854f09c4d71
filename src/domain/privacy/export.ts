import { stringify } from "csv-stringify/sync";
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Database } from "../../db/types.ts";
import { readAudit } from "../audit/log.ts";
import { defuse } from "../reports/csv.ts";
import { type ForeignKey, foreignKeys, type UserColumn, userColumns } from "./catalog.ts";
import { statementsAbout } from "./erase.ts";

/** Columns that are never exported: secrets and bulky binary copies, not facts about a person. */
const WITHHELD = new Set(["secret_hash", "bot_token_encrypted", "refresh_token_encrypted"]);

export interface PersonalData {
  generatedAt: string;
  person: Record<string, unknown>;
  /** Every table's rows that are this person's, by table name. */
  tables: Record<string, Record<string, unknown>[]>;
  /** Who viewed a report that included this person, and when. */
  reportViews: { at: string; viewer: string | null; scope: string }[];
}

type Predicates = Map<string, RawBuilder<boolean>>;

/**
 * Which rows of each table are the person's, found by walking the catalog: rows with their
 * `user_id`, rows whose foreign key leads to such a row (a goal's completions, a completion's
 * deliveries), and rows that name them in an array of subjects. New tables are found the same way.
 */
function ownership(userId: number, columns: UserColumn[], fks: ForeignKey[]): Predicates {
  const preds: Predicates = new Map();
  const own = new Map<string, RawBuilder<boolean>[]>();
  const add = (table: string, p: RawBuilder<boolean>) =>
    own.set(table, [...(own.get(table) ?? []), p]);
  for (const c of columns) {
    if (c.owner) add(c.table, sql<boolean>`${sql.ref(c.column)} = ${userId}`);
    else if (c.array) add(c.table, sql<boolean>`${userId}::int = any(${sql.ref(c.column)})`);
  }
  for (const [t, ps] of own) preds.set(t, sql<boolean>`(${sql.join(ps, sql` or `)})`);
  // Children of owned rows, a few levels down (goals → completions → deliveries).
  for (let depth = 0; depth < 4; depth++) {
    for (const fk of fks) {
      const parent = preds.get(fk.refTable);
      if (!parent || fk.refTable === "users" || fk.table === fk.refTable) continue;
      if (preds.has(fk.table) && own.has(fk.table)) continue;
      const child = sql<boolean>`${sql.ref(fk.column)} in (select ${sql.ref(fk.refColumn)} from ${sql.table(fk.refTable)} where ${parent})`;
      const mine = own.get(fk.table);
      preds.set(fk.table, mine ? sql<boolean>`(${sql.join([...mine, child], sql` or `)})` : child);
    }
  }
  return preds;
}

/** Other people's ids in the person's rows are left out: the rows are theirs, the others are not. */
function redact(
  row: Record<string, unknown>,
  userId: number,
  columns: UserColumn[],
  table: string,
) {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (WITHHELD.has(k) || v instanceof Uint8Array) continue;
    const col = columns.find((c) => c.table === table && c.column === k);
    if (col?.array && Array.isArray(v)) out[k] = v.filter((x) => x === userId);
    else if (col && !col.owner && v !== userId) out[k] = v === null ? null : "(someone else)";
    else out[k] = v;
  }
  return out;
}

/** Everything Stackup holds about one person. */
export async function exportPerson(
  db: Kysely<Database>,
  userId: number,
  now: Date,
): Promise<PersonalData | null> {
  return db.transaction().execute(async (trx) => {
    const person = await trx
      .selectFrom("users")
      .where("id", "=", userId)
      .selectAll()
      .executeTakeFirst();
    if (!person) return null;
    const columns = await userColumns(trx);
    const preds = ownership(userId, columns, await foreignKeys(trx));
    // Statements an LMS sent about the person that matched no one carry their e-mail.
    const owned = preds.get("xapi_statements");
    const about = statementsAbout(person);
    preds.set("xapi_statements", owned ? sql<boolean>`(${owned} or ${about})` : about);
    const tables: Record<string, Record<string, unknown>[]> = {};
    for (const [table, pred] of [...preds].sort(([a], [b]) => a.localeCompare(b))) {
      const { rows } = await sql<
        Record<string, unknown>
      >`select * from ${sql.table(table)} where ${pred}`.execute(trx);
      tables[table] = rows.map((r) => redact(r, userId, columns, table));
    }
    const views = await readAudit(trx, person.workspace_id, {
      since: new Date(0),
      subjectId: userId,
      // Reports asked for, and the monthly summaries managers are sent.
      actions: ["report.view", "report.summary"],
    });
    return {
      generatedAt: now.toISOString(),
      person: { ...person },
      tables,
      reportViews: views.map((v) => ({
        at: v.at.toISOString(),
        viewer: v.actorName,
        scope: v.scope,
      })),
    };
  });
}

const text = (v: unknown) =>
  v === null || v === undefined ? "" : defuse(v instanceof Date ? v.toISOString() : String(v));

/** The progress CSV's columns, in order; `header` names them in the reader's language. */
export const PROGRESS_COLUMNS = ["date", "goal", "hours", "note"] as const;

/** The person's progress as CSV: one line per logged session, with its goal's title. */
export function progressCsv(
  data: PersonalData,
  header: readonly string[] = PROGRESS_COLUMNS,
): string {
  const goals = new Map((data.tables.goals ?? []).map((g) => [g.id, g.title]));
  const events = [...(data.tables.progress_events ?? [])].sort(
    (a, b) =>
      new Date(a.occurred_at as string).getTime() - new Date(b.occurred_at as string).getTime(),
  );
  return stringify(
    [
      header.map(defuse),
      ...events.map((e) => [
        text(e.occurred_at),
        text(goals.get(e.goal_id)),
        Number(e.hours),
        text(e.note),
      ]),
    ],
    { record_delimiter: "windows" },
  );
}
