import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anyOf, arrayLiteral, arrayOf } from "../../src/db/arrays.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

const TRICKY = [
  "plain",
  "",
  "two words",
  " lead and trail\t",
  'say "hi"',
  "back\\slash",
  "trailing\\",
  "a,b",
  "{braces}",
  "NULL",
  "null",
  "Null!",
  "line\nbreak",
  "ünïcödé ✓ 🚀",
  "zero\u200Bwidth",
  "no\u00a0break",
  "checkin:12:2026-11-30:10:00",
];

describe("array parameters", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("arrays");
  });
  afterAll(() => t.drop());

  const unnest = async <T>(array: ReturnType<typeof arrayOf>) =>
    (await sql<{ v: T }>`select unnest(${array}) as v`.execute(t.db)).rows.map((r) => r.v);

  it("reach PostgreSQL as the same values, however awkward the text", async () => {
    expect(await unnest<string | null>(arrayOf([...TRICKY, null], "text"))).toEqual([
      ...TRICKY,
      null,
    ]);
    expect(await unnest<number | null>(arrayOf([1, -2, 0, null, 2147483647], "int"))).toEqual([
      1,
      -2,
      0,
      null,
      2147483647,
    ]);
    expect(await unnest<boolean | null>(arrayOf([true, false, null], "boolean"))).toEqual([
      true,
      false,
      null,
    ]);
    const at = ["2026-11-30T09:00:00.000Z", "2026-03-29T01:30:00.250Z"];
    const dates = await unnest<Date>(arrayOf(at, "timestamptz"));
    expect(dates.map((d) => d.toISOString())).toEqual(at);
    expect(await unnest<string>(arrayOf(["2026-11-30", "2024-02-29"], "date"))).toEqual([
      "2026-11-30",
      "2024-02-29",
    ]);
  });

  it("leave what isn't text, a number or a boolean to pg", async () => {
    const when = new Date("2026-11-30T09:00:00Z");
    expect(arrayLiteral([when])).toBeUndefined();
    expect(arrayLiteral([Number.NaN])).toBeUndefined();
    const dates = await unnest<Date>(arrayOf([when], "timestamptz"));
    expect(dates[0]?.toISOString()).toBe(when.toISOString());
  });

  it("quote only elements that need it", async () => {
    expect(arrayLiteral([1, 2, 3])).toBe("{1,2,3}");
    expect(arrayLiteral(["a", "b c", 'd"e', "NULL", null, ""])).toBe(
      '{a,"b c","d\\"e","NULL",NULL,""}',
    );
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from unnest(${arrayOf(TRICKY, "text")}) as v(s)
      where s = ${anyOf(TRICKY, "text")}`.execute(t.db);
    expect(rows[0]!.n).toBe(TRICKY.length);
  });
});
