import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EmbeddedLockError, LOCK_FILE, lockDataDir } from "../../src/db/embedded-lock.ts";
import { buildOnce, freePort, run, waitFor200 } from "./process.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "stackup-lock-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const lockFile = () => path.join(dir, LOCK_FILE);
const holder = (h: { pid: number; hostname?: string }) =>
  writeFileSync(
    lockFile(),
    JSON.stringify({ hostname: hostname(), since: "2026-01-01T00:00:00Z", ...h }),
  );

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  return Number(r.stdout);
}

describe("the embedded data directory's lock", () => {
  it("names this process in the lock file and refuses a second holder until released", () => {
    const lock = lockDataDir(dir);
    expect(JSON.parse(readFileSync(lockFile(), "utf8"))).toMatchObject({
      pid: process.pid,
      hostname: hostname(),
    });
    expect(() => lockDataDir(dir)).toThrow(EmbeddedLockError);
    expect(() => lockDataDir(dir)).toThrow(/in use by this same process/);
    lock.release();
    expect(() => readFileSync(lockFile())).toThrow(/ENOENT/);
    lockDataDir(dir).release();
  });

  it("refuses while the process named in the lock is alive", () => {
    holder({ pid: process.ppid });
    expect(() => lockDataDir(dir)).toThrow(
      new RegExp(`in use by process ${process.ppid} on ${hostname()}.*DATABASE_URL.*delete`),
    );
    // Refusing leaves the other process's lock alone.
    expect(JSON.parse(readFileSync(lockFile(), "utf8")).pid).toBe(process.ppid);
  });

  it("takes over a lock left by a process that died, or by an earlier life of this pid", () => {
    holder({ pid: deadPid() });
    const lock = lockDataDir(dir);
    expect(JSON.parse(readFileSync(lockFile(), "utf8")).pid).toBe(process.pid);
    lock.release();

    holder({ pid: process.pid });
    lockDataDir(dir).release();

    writeFileSync(lockFile(), "");
    lockDataDir(dir).release();
  });

  it("refuses a lock held from another host, whose processes it cannot see", () => {
    holder({ pid: deadPid(), hostname: "web-7f9c" });
    expect(() => lockDataDir(dir)).toThrow(/in use by process \d+ on web-7f9c/);
  });
});

describe("a web and a worker on one embedded data directory", () => {
  beforeEach(() => buildOnce(), 300_000);

  it("lets the first start and stops the second with a clear error", async () => {
    const port = await freePort();
    const env = { DATA_DIR: dir, PORT: String(port), LOG_LEVEL: "warn", PLAYGROUND: "off" };
    const web = run(["node", "dist/bin/main.js", "start", "--role", "web"], env);
    try {
      // ready, not just listening: /healthz answers while the database is still starting
      await waitFor200(`http://127.0.0.1:${port}/readyz`, web, 60_000);
      const worker = run(["node", "dist/bin/main.js", "start", "--role", "worker"], env);
      const code = await new Promise<number | null>((resolve) => worker.child.on("exit", resolve));
      expect(code).toBe(1);
      expect(worker.output()).toContain(
        `Stackup could not start: The embedded PostgreSQL in ${path.join(dir, "app")} is in use by process ${web.child.pid}`,
      );
      // The first one is unharmed.
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    } finally {
      expect(await web.stop()).toBe(0);
    }
    // Stopped cleanly, it leaves no lock behind.
    expect(() => readFileSync(path.join(dir, "app", LOCK_FILE))).toThrow(/ENOENT/);
  }, 120_000);
});
