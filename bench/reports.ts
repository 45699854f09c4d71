/**
 * npm run bench:reports — seeds 100,000 users in one workspace (teams of 10–50, a manager tree,
 * 2,000,000 progress events, 50,000 completions) in a schema of its own on the PostgreSQL at
 * BENCH_DATABASE_URL (default: the tests' database), then times the leaderboard, a manager
 * report over 5,000 indirect reports, and the digests of 1,000 and 10,000 teams. The last line
 * is one JSON object. Figures, not a test.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { type Kysely, sql } from "kysely";
import pg from "pg";
import { createDatabase } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import type { Database } from "../src/db/types.ts";
import { OrgRepository } from "../src/domain/org/repository.ts";
import { svgToPng, weeklyHoursSvg } from "../src/domain/reports/chart.ts";
import { buildDigests } from "../src/domain/reports/digest.ts";
import { leaderboard } from "../src/domain/reports/leaderboard.ts";
import { buildReport } from "../src/domain/reports/report.ts";
import { currentWindow } from "../src/domain/scoring/periods.ts";

const URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const USERS = 100_000;
const TEAMS = 10_000;
const EVENTS = 2_000_000;
const COMPLETIONS = 50_000;
const BRANCHING = 20;
/** Person 2's chain: exactly this many people below them, the report's subject. */
const REPORT_CHAIN = 5_000;
const NOW = new Date("2026-10-26T08:00:00Z");
const SPAN_S = 26 * 7 * 24 * 3600;

const log = (s: string) => process.stderr.write(`${s}\n`);
const ms = (n: number) => Math.round(n * 10) / 10;

async function seed(db: Kysely<Database>) {
  const t0 = performance.now();
  await sql`insert into workspaces (platform, external_id, name) values ('slack', 'TBENCH', 'Bench')`.execute(
    db,
  );
  await sql`
    insert into users (workspace_id, platform_user_id, display_name, email, time_zone)
    select 1, 'U' || g, 'Person ' || g, 'p' || g || '@example.test',
           (array['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC'])[1 + g % 4]
    from generate_series(1, ${USERS}) g`.execute(db);
  // Two 20-ary trees under person 1: person 2 heads people 3..5002 (exactly 5,000 below),
  // person 5003 heads everyone after them.
  const rest = REPORT_CHAIN + 3;
  await sql`
    insert into org_people (user_id, workspace_id, manager_id)
    select g, 1, case
             when g = 1 then null
             when g = 2 or g = ${rest} then 1
             when g < ${rest} then (g - 3) / ${BRANCHING} + 2
             else (g - ${rest} - 1) / ${BRANCHING} + ${rest}
           end
    from generate_series(1, ${USERS}) g`.execute(db);
  // Teams of 10–50 over overlapping runs of people, so 10,000 teams fit in 100,000 users.
  await sql`
    insert into teams (workspace_id, name, channel_id, digest_time_zone)
    select 1, 'Team ' || t, 'C' || t,
           (array['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC'])[1 + t % 4]
    from generate_series(1, ${TEAMS}) t`.execute(db);
  await sql`
    insert into team_members (team_id, user_id)
    select t, ((t - 1) * 10 + j) % ${USERS} + 1
    from generate_series(1, ${TEAMS}) t,
         generate_series(0, 49) j
    where j < 10 + (t * 37) % 41
    on conflict do nothing`.execute(db);
  await sql`
    insert into goals (user_id, title, hours_per_week, estimated_hours, status, created_at, updated_at, completed_at)
    select (g - 1) % ${USERS} + 1, 'Goal ' || g, 3, 10 + g % 60,
           case when g > ${2 * USERS - COMPLETIONS} then 'completed' else 'active' end,
           ${NOW}::timestamptz - interval '200 days' + (g % 180) * interval '1 day',
           ${NOW}::timestamptz, null
    from generate_series(1, ${2 * USERS}) g`.execute(db);
  await sql`
    insert into progress_events (goal_id, user_id, hours, occurred_at)
    select i % ${2 * USERS} + 1, i % ${USERS} + 1, 0.5 + (i % 8) * 0.5,
           ${NOW}::timestamptz - ((i::bigint * 7919) % ${SPAN_S}) * interval '1 second'
    from generate_series(0, ${EVENTS - 1}) i`.execute(db);
  await sql`
    insert into completions (goal_id, verification_status, completed_at)
    select g.id, case when g.id % 3 = 0 then 'verified' else 'unverified' end,
           ${NOW}::timestamptz - ((g.id::bigint * 104729) % ${SPAN_S}) * interval '1 second'
    from goals g where g.status = 'completed'`.execute(db);
  // As a live database would be by autovacuum: fresh statistics, and a visibility map so the
  // covering index on progress_events is read without visiting the heap. Only this schema's tables.
  await sql`vacuum analyze users, org_people, teams, team_members, goals, progress_events, completions`.execute(
    db,
  );
  log(`seeded in ${ms((performance.now() - t0) / 1000)} s`);
}

async function main() {
  // BENCH_SCHEMA reuses a schema an earlier run kept with BENCH_KEEP=1 (same seed, no reseeding).
  const reuse = process.env.BENCH_SCHEMA;
  const schema = reuse ?? `bench_reports_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: URL });
  await admin.connect();
  if (!reuse) await admin.query(`create schema "${schema}"`);
  const handle = createDatabase({ connectionString: URL, schema, max: 8 });
  const { db } = handle;
  try {
    await migrateToLatest(db, schema);
    if (!reuse) await seed(db);

    const plan = await sql<{ "QUERY PLAN": string }>`
      explain select sum(e.hours) from team_members m
      join progress_events e on e.user_id = m.user_id
        and e.occurred_at >= ${NOW}::timestamptz - interval '7 days' and e.occurred_at < ${NOW}
      where m.team_id = 42`.execute(db);
    log(`plan (one team's week):\n  ${plan.rows.map((r) => r["QUERY PLAN"]).join("\n  ")}`);

    const repo = new OrgRepository(db);
    // Leaderboard: one team, one week, p95 over 200 runs.
    const times: number[] = [];
    for (let i = 0; i < 220; i++) {
      const team = 1 + ((i * 7919) % TEAMS);
      const start = performance.now();
      const ids = await repo.memberIds(team);
      await leaderboard(db, ids, currentWindow("week", NOW, "Europe/Berlin"), ids[0]!);
      if (i >= 20) times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const leaderboardP95Ms = ms(times[Math.ceil(times.length * 0.95) - 1]!);

    // A manager report over the whole chain of person 2.
    const manager = 2;
    const chainSize = (await repo.chain(1, manager)).length;
    if (chainSize !== REPORT_CHAIN) throw new Error(`report chain has ${chainSize} people`);
    const reportTimes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const start = performance.now();
      const ids = await repo.chain(1, manager);
      await buildReport(db, ids, currentWindow("month", NOW, "Europe/Berlin"), NOW);
      if (i > 0) reportTimes.push(performance.now() - start);
    }
    reportTimes.sort((a, b) => a - b);
    const reportMs5k = ms(reportTimes[1]!);
    log(`report chain: ${chainSize} people`);

    const teams = await db.selectFrom("teams").selectAll().orderBy("id").execute();
    const items = (n: number) =>
      teams.slice(0, n).map((team) => ({ team, digestDate: "2026-10-26" }));
    await buildDigests(db, items(50), NOW);
    let start = performance.now();
    const d1 = await buildDigests(db, items(1_000), NOW);
    const digestMs1k = ms(performance.now() - start);
    start = performance.now();
    await buildDigests(db, items(10_000), NOW);
    const digestMs10k = ms(performance.now() - start);
    start = performance.now();
    const d = d1[0]!;
    const png = svgToPng(weeklyHoursSvg(d.team.name, d.weekStarts, d.weeklyHours));
    log(`one chart PNG: ${png.length} bytes in ${ms(performance.now() - start)} ms`);
    log(
      `targets: leaderboard p95 ≤ 20 ms (${leaderboardP95Ms}), report ≤ 300 ms (${reportMs5k}), digestMs10k ≤ 12 × digestMs1k (${digestMs10k} vs ${ms(12 * digestMs1k)})`,
    );
    process.stdout.write(
      `${JSON.stringify({ bench: "reports", users: USERS, leaderboardP95Ms, reportMs5k, digestMs1k, digestMs10k })}\n`,
    );
  } finally {
    await handle.close();
    if (!process.env.BENCH_KEEP && !reuse) await admin.query(`drop schema "${schema}" cascade`);
    await admin.end();
  }
}

await main();
