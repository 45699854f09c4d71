import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DATABASE_URL } from "../support/db.ts";
import { buildOnce, freePort, productionCommands, ROOT, run, waitFor200 } from "./process.ts";

const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const DIST = path.join(ROOT, "dist");

function* jsFiles(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* jsFiles(full);
    else if (entry.name.endsWith(".js")) yield full;
  }
}

beforeAll(() => buildOnce(), 300_000);

describe("the compiled build", () => {
  it("is plain JavaScript: no module imports a .ts file", () => {
    const offenders: string[] = [];
    let files = 0;
    for (const dir of ["bin", "migrations"]) {
      for (const file of jsFiles(path.join(DIST, dir))) {
        files++;
        const text = readFileSync(file, "utf8");
        if (/(from\s+|import\()\s*["'][^"']+\.ts["']/.test(text)) offenders.push(file);
      }
    }
    expect(files).toBeGreaterThan(30);
    expect(offenders).toEqual([]);
  });

  it("is a bundle: the service's own modules are not shipped one by one", () => {
    expect(existsSync(path.join(DIST, "bin/main.js"))).toBe(true);
    const shipped = ["src", "adapters", "jobs", "playground"].flatMap((dir) => [
      ...jsFiles(path.join(DIST, dir)),
    ]);
    // The playground page's scripts are served to the browser as they are.
    expect(shipped.filter((f) => !f.includes(`playground${path.sep}page${path.sep}`))).toEqual([]);
  });

  it("ships the message catalogues as files beside the code, read at start-up, not bundled", () => {
    const sources = readdirSync(path.join(ROOT, "src/i18n/locales")).sort();
    expect(readdirSync(path.join(DIST, "src/i18n/locales")).sort()).toEqual(sources);
    const german = JSON.parse(readFileSync(path.join(ROOT, "src/i18n/locales/de.json"), "utf8"));
    const bundled = [...jsFiles(path.join(DIST, "bin"))].map((f) => readFileSync(f, "utf8"));
    expect(bundled.some((code) => code.includes(german["parse.goalEmpty"]))).toBe(false);
  });

  it("has every migration, compiled", () => {
    const sources = readdirSync(path.join(ROOT, "migrations")).filter((f) => /^\d.*\.ts$/.test(f));
    const built = readdirSync(path.join(DIST, "migrations")).filter((f) => /^\d.*\.js$/.test(f));
    expect(sources.length).toBeGreaterThan(0);
    expect(built.map((f) => f.replace(/\.js$/, ""))).toEqual(
      sources.map((f) => f.replace(/\.ts$/, "")),
    );
  });

  it("lets the migrations share the bundle's Kysely instead of loading a second copy", () => {
    const built = readdirSync(path.join(DIST, "migrations")).filter((f) => f.endsWith(".js"));
    const imports = built.flatMap((f) => [
      ...readFileSync(path.join(DIST, "migrations", f), "utf8").matchAll(/from\s*"([^"]+)"/g),
    ]);
    expect(imports.length).toBeGreaterThan(0);
    expect(new Set(imports.map((m) => m[1]))).toEqual(new Set(["../bin/kysely.js"]));
  });

  it("keeps the names of classes and functions (stack traces, errors named after their class)", () => {
    const script = `const m = await import(${JSON.stringify(path.join(DIST, "bin/kysely.js"))});
      const renamed = Object.entries(m).filter(([k, v]) => typeof v === "function" && v.name && v.name !== k);
      console.log(JSON.stringify({ classes: Object.keys(m).length, renamed: renamed.map(([k]) => k) }));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
    });
    const { classes, renamed } = JSON.parse(r.stdout) as { classes: number; renamed: string[] };
    expect(classes).toBeGreaterThan(100);
    expect(renamed).toEqual([]);
  });

  it("points stack traces at the TypeScript sources", () => {
    // Nothing listens on port 1, so the migration fails and the error's stack is printed.
    const r = spawnSync(process.execPath, ["--enable-source-maps", "dist/bin/main.js", "migrate"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", DATABASE_URL: "postgres://127.0.0.1:1/none" },
      encoding: "utf8",
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("ECONNREFUSED");
    expect(r.stderr).toMatch(/src\/db\/migrate\.ts:\d+:\d+/);
    expect(r.stderr).toMatch(/bin\/cli\.ts:\d+:\d+/);
    expect(r.stderr).not.toMatch(/dist\/bin\/[\w-]+\.js:\d+/);
  });
});

describe("the production command, outside a container", () => {
  const schema = `deploy_smoke_${process.pid}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`create schema "${schema}"`);
  });
  afterAll(async () => {
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${schema}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it("runs the README's web and worker on PostgreSQL and Redis from dist/: migrated, /healthz 200", async () => {
    const port = await freePort();
    const env = {
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: schema,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: schema,
      PORT: String(port),
      LOG_LEVEL: "info",
    };
    // Exactly the README's (and the image's) production commands.
    const [webCommand, workerCommand] = productionCommands();
    const migrate = spawnSync(process.execPath, ["dist/bin/main.js", "migrate"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", ...env },
      encoding: "utf8",
    });
    expect(migrate.status, migrate.stderr).toBe(0);
    expect(migrate.stdout).toMatch(/^Applied: \d{8}_001_core_schema, /m);
    const web = run(webCommand!.split(" "), env);
    // On one machine each process needs its own port: a worker serves health and metrics too.
    const worker = run(workerCommand!.split(" "), { ...env, PORT: String(await freePort()) });
    try {
      await waitFor200(`http://127.0.0.1:${port}/healthz`, web);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(await ready.json()).toEqual({
        status: "ready",
        checks: { database: true, queue: true },
      });
      const { rows } = await admin.query(
        `select name from "${schema}".kysely_migration order by name`,
      );
      const sources = readdirSync(path.join(ROOT, "migrations"))
        .filter((f) => /^\d.*\.ts$/.test(f))
        .map((f) => f.replace(/\.ts$/, ""))
        .sort();
      expect(rows.map((r) => r.name)).toEqual(sources);
      // The worker is up too: it logged its jobs starting and has not exited.
      const deadline = Date.now() + 20_000;
      while (!worker.output().includes('"jobs started"') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(worker.output()).toContain('"msg":"jobs started"');
      expect(worker.child.exitCode).toBeNull();
    } finally {
      expect(await web.stop()).toBe(0);
      expect(await worker.stop()).toBe(0);
    }
  }, 90_000);
});
