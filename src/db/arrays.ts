import { type RawBuilder, sql } from "kysely";

export type ElementType = "int" | "text" | "boolean" | "date" | "timestamptz";

/**
 * A list as one array parameter, for `column = any(...)`: bound and parsed at the cost of one
 * value however long the list, where `in (...)` takes a parameter per element.
 */
export function anyOf<T>(values: readonly T[], type: ElementType): RawBuilder<T> {
  return sql<T>`any(${sql.val(values)}::${sql.raw(type)}[])`;
}

/** A column of values for `unnest(...)`: a few parameters for any number of rows. */
export function arrayOf(values: readonly unknown[], type: ElementType): RawBuilder<unknown> {
  return sql`${sql.val(values)}::${sql.raw(type)}[]`;
}

/** One field of every row as an `unnest` column. */
export function columnOf<R>(
  rows: readonly R[],
  type: ElementType,
  pick: (row: R) => unknown,
): RawBuilder<unknown> {
  return arrayOf(rows.map(pick), type);
}
