import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../../src/db/embedded.ts";

/** Many pg connections share PGlite's one session; their queries must not trip over each other. */
describe("embedded PostgreSQL served to many connections", () => {
  let server: EmbeddedPostgres;
  let pool: pg.Pool;

  beforeAll(async () => {
    server = await startEmbeddedPostgres({ dataDir: undefined, name: "shared" });
    pool = new pg.Pool({ connectionString: server.connectionString, max: 12 });
    await pool.query("create table counter (id int primary key, n int not null)");
    await pool.query("insert into counter values (1, 0)");
  }, 60_000);
  afterAll(async () => {
    await pool?.end();
    await server?.stop();
  });

  it("answers parameterised queries from twelve connections at once, each with its own rows", async () => {
    const answers = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        pool.query<{ v: number; s: string }>("select $1::int * 2 as v, $2::text as s", [
          i,
          `q${i}`,
        ]),
      ),
    );
    for (const [i, r] of answers.entries()) expect(r.rows).toEqual([{ v: i * 2, s: `q${i}` }]);
  });

  it("keeps a transaction's statements together while other connections wait", async () => {
    const tx = await pool.connect();
    await tx.query("begin");
    await tx.query("update counter set n = n + 1 where id = $1", [1]);
    const outside = pool.query<{ n: number }>("select n from counter where id = $1", [1]);
    await tx.query("update counter set n = n + 1 where id = $1", [1]);
    await tx.query("commit");
    tx.release();
    // The other connection ran after the commit, not in the middle of the transaction.
    expect((await outside).rows).toEqual([{ n: 2 }]);
  });

  it("lets a lookup through when a transaction waits on it, instead of hanging", async () => {
    const tx = await pool.connect();
    await tx.query("begin");
    await tx.query("update counter set n = 10 where id = 1");
    const other = await pool.query<{ one: number }>("select $1::int as one", [1]);
    expect(other.rows).toEqual([{ one: 1 }]);
    await tx.query("commit");
    tx.release();
  });
});
