/**
 * npm run bench:xapi -- --suite <dir> [--version 1.0.3|2.0.0] — runs the ADL LRS conformance
 * test suite (github.com/adlnet/lrs-conformance-test-suite, checked out and `npm install`ed
 * outside this repository) against Stackup's xAPI endpoint on a loopback port, over a fresh
 * schema on the tests' PostgreSQL (BENCH_DATABASE_URL, default: the tests' database). Prints the
 * failures per suite section on stderr and one JSON line with the pass counts. Without --suite
 * it only serves the endpoint and prints its address and credentials, for running the suite by
 * hand. Figures, not a test.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import pg from "pg";
import { createXapiHandler } from "../adapters/xapi/http.ts";
import { createDatabase } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import { XapiCredentials } from "../src/domain/xapi/credentials.ts";
import { systemClock } from "../src/time/clock.ts";

const URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const log = (s: string) => process.stderr.write(`${s}\n`);

interface SuiteNode {
  title?: string;
  name?: string;
  status?: string;
  tests?: SuiteNode[];
}

/** Failed leaf tests per top-level section of the suite's log. */
function failuresBySection(root: SuiteNode): Map<string, number> {
  const counts = new Map<string, number>();
  const walk = (node: SuiteNode, section: string) => {
    const children = node.tests ?? [];
    if (children.length === 0) {
      if (node.status === "failed") counts.set(section, (counts.get(section) ?? 0) + 1);
      return;
    }
    for (const child of children) walk(child, section);
  };
  for (const section of root.tests ?? []) walk(section, section.title ?? section.name ?? "?");
  return counts;
}

/** Runs the suite's console runner against `endpoint` and prints what it found. */
async function runSuite(
  suite: string,
  version: string,
  endpoint: string,
  auth: { key: string; secret: string },
) {
  const output: string[] = [];
  const code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      [
        join(suite, "bin/console_runner.js"),
        ...["-x", version, "-e", endpoint, "-a", "-u", auth.key, "-p", auth.secret],
      ],
      { cwd: suite, stdio: ["ignore", "pipe", "inherit"] },
    );
    child.stdout.on("data", (chunk: Buffer) => output.push(chunk.toString("utf8")));
    child.on("exit", (c) => resolve(c ?? 1));
  });
  const text = output.join("");
  const logPath = /Full run log written to (\S+)/.exec(text)?.[1];
  const summaries = text.match(/\{"total":[^\n]*\}/g) ?? [];
  const summary = JSON.parse(summaries.at(-1) ?? "{}") as Record<string, number>;
  if (logPath) {
    const record = JSON.parse(await readFile(logPath, "utf8")) as { log: SuiteNode };
    const sections = [...failuresBySection(record.log)].sort((a, b) => b[1] - a[1]);
    for (const [section, failed] of sections) log(`${String(failed).padStart(4)}  ${section}`);
  }
  console.log(
    JSON.stringify({
      version,
      total: summary.total,
      passed: summary.passed,
      failed: summary.failed,
      ratio: summary.total ? Math.round((summary.passed! / summary.total) * 1000) / 1000 : null,
      exit: code,
    }),
  );
}

async function main() {
  const { values } = parseArgs({
    options: { suite: { type: "string" }, version: { type: "string", default: "1.0.3" } },
  });
  const schema = `xapi_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: URL });
  await admin.connect();
  await admin.query(`create schema "${schema}"`);
  const handle = createDatabase({ connectionString: URL, schema, max: 10 });
  const server = createServer();
  try {
    await migrateToLatest(handle.db, schema);
    const { rows } = await sql<{ id: number }>`
      insert into workspaces (platform, external_id, name) values ('slack', 'TXAPI', 'Conformance')
      returning id`.execute(handle.db);
    const user = await handle.db
      .insertInto("users")
      .values({
        workspace_id: rows[0]!.id,
        platform_user_id: "UADMIN",
        display_name: "Admin",
        time_zone: "UTC",
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const issued = await new XapiCredentials(handle.db, systemClock).create(user, "Conformance");
    if ("error" in issued) throw new Error("could not create credentials");
    // The suite sends thousands of requests in bursts: the per-credential limit is lifted.
    const handler = createXapiHandler({
      db: handle.db,
      clock: systemClock,
      limits: { burst: 1_000_000, perMinute: 1_000_000 },
    });
    server.on("request", (req, res) =>
      handler(req, res, () => {
        res.writeHead(404);
        res.end();
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/xapi`;
    if (!values.suite) {
      log(`endpoint ${endpoint}  user ${issued.key}  password ${issued.secret}  (Ctrl+C ends)`);
      await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
      return;
    }
    await runSuite(values.suite, values.version!, endpoint, issued);
  } finally {
    server.close();
    server.closeAllConnections();
    await handle.close();
    await admin.query(`drop schema "${schema}" cascade`);
    await admin.end();
  }
}

await main();
