import { type RawBuilder, sql } from "kysely";

export type ElementType = "int" | "text" | "boolean" | "date" | "timestamptz";

/** What PostgreSQL reads as it is inside an array literal: no quote, separator, brace, backslash or space. */
const BARE = /^[^\s",\\{}]+$/;
const QUOTED = /["\\]/g;

/**
 * The values as PostgreSQL's text form of an array, for strings, numbers and booleans; undefined
 * for anything else (dates, objects), which pg then serializes itself. pg quotes and escapes
 * every element with two regular expressions, which a tick's batch of thousands of rows, a dozen
 * columns each, pays for on the event loop; here only elements that need quoting are quoted.
 */
export function arrayLiteral(values: readonly unknown[]): string | undefined {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i];
    if (v === null || v === undefined) parts[i] = "NULL";
    else if (typeof v === "string") {
      const bare = BARE.test(v) && !(v.length === 4 && v.toUpperCase() === "NULL");
      parts[i] = bare ? v : `"${v.replace(QUOTED, "\\$&")}"`;
    } else if (typeof v === "number" && Number.isFinite(v)) parts[i] = String(v);
    else if (typeof v === "boolean") parts[i] = String(v);
    else return undefined;
  }
  return `{${parts.join(",")}}`;
}

const bound = (values: readonly unknown[]) => sql.val(arrayLiteral(values) ?? values);

/**
 * A list as one array parameter, for `column = any(...)`: bound and parsed at the cost of one
 * value however long the list, where `in (...)` takes a parameter per element.
 */
export function anyOf<T>(values: readonly T[], type: ElementType): RawBuilder<T> {
  return sql<T>`any(${bound(values)}::${sql.raw(type)}[])`;
}

/** A column of values for `unnest(...)`: a few parameters for any number of rows. */
export function arrayOf(values: readonly unknown[], type: ElementType): RawBuilder<unknown> {
  return sql`${bound(values)}::${sql.raw(type)}[]`;
}

/** One field of every row as an `unnest` column. */
export function columnOf<R>(
  rows: readonly R[],
  type: ElementType,
  pick: (row: R) => unknown,
): RawBuilder<unknown> {
  return arrayOf(rows.map(pick), type);
}
