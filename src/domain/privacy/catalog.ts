import { type Kysely, sql } from "kysely";

/** A column that holds a person's user id: a foreign key to users, or named as one. */
export interface UserColumn {
  table: string;
  column: string;
  /** `integer[]` of user ids (the audit log's subjects). */
  array: boolean;
  nullable: boolean;
  /** The row belongs to the person (the column is `user_id`); else it only mentions them. */
  owner: boolean;
}

/** A single-column foreign key between two tables of the schema. */
export interface ForeignKey {
  table: string;
  column: string;
  refTable: string;
  refColumn: string;
}

// biome-ignore lint/suspicious/noExplicitAny: reads the catalog of whatever tables exist
type AnyDb = Kysely<any>;

/**
 * Every column of the current schema that refers to a person, read from the PostgreSQL catalog so a
 * table added later is covered without being listed: foreign keys to users, and integer columns
 * named `user_id`/`…_user_id` or integer arrays named `…user_ids`/`subject_ids` that carry none.
 */
export async function userColumns(db: AnyDb): Promise<UserColumn[]> {
  const { rows } = await sql<{
    table: string;
    column: string;
    array: boolean;
    nullable: boolean;
  }>`
    select cl.relname as "table", a.attname as "column",
           a.atttypid = 'integer[]'::regtype as "array", not a.attnotnull as "nullable"
      from pg_attribute a
      join pg_class cl on cl.oid = a.attrelid and cl.relkind in ('r', 'p')
      join pg_namespace n on n.oid = cl.relnamespace and n.nspname = current_schema()
     where a.attnum > 0 and not a.attisdropped and cl.relname <> 'users'
       and (exists (select 1 from pg_constraint c
                     where c.conrelid = cl.oid and c.contype = 'f'
                       and c.confrelid = to_regclass(quote_ident(current_schema()) || '.users')
                       and c.conkey = array[a.attnum])
            or (a.atttypid in ('integer'::regtype, 'bigint'::regtype)
                and (a.attname = 'user_id' or a.attname like '%\\_user\\_id'))
            or (a.atttypid = 'integer[]'::regtype
                and (a.attname = 'subject_ids' or a.attname like '%user\\_ids')))
     order by 1, 2`.execute(db);
  return rows.map((r) => ({ ...r, owner: r.column === "user_id" }));
}

/** Every single-column foreign key of the current schema. */
export async function foreignKeys(db: AnyDb): Promise<ForeignKey[]> {
  const { rows } = await sql<ForeignKey>`
    select cl.relname as "table", a.attname as "column",
           rc.relname as "refTable", ra.attname as "refColumn"
      from pg_constraint c
      join pg_class cl on cl.oid = c.conrelid
      join pg_namespace n on n.oid = cl.relnamespace and n.nspname = current_schema()
      join pg_class rc on rc.oid = c.confrelid
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
      join pg_attribute ra on ra.attrelid = c.confrelid and ra.attnum = c.confkey[1]
     where c.contype = 'f' and cardinality(c.conkey) = 1
     order by 1, 2`.execute(db);
  return rows;
}

/** Tables with an integer `workspace_id` column and no foreign key saying so. */
export async function looseWorkspaceTables(db: AnyDb): Promise<string[]> {
  const { rows } = await sql<{ table: string }>`
    select cl.relname as "table"
      from pg_attribute a
      join pg_class cl on cl.oid = a.attrelid and cl.relkind in ('r', 'p')
      join pg_namespace n on n.oid = cl.relnamespace and n.nspname = current_schema()
     where a.attname = 'workspace_id' and not a.attisdropped
       and a.atttypid in ('integer'::regtype, 'bigint'::regtype)
       and not exists (select 1 from pg_constraint c
                        where c.conrelid = cl.oid and c.contype = 'f'
                          and c.conkey = array[a.attnum])
     order by 1`.execute(db);
  return rows.map((r) => r.table);
}
