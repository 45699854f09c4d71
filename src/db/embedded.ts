import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { lockDataDir } from "./embedded-lock.ts";
import { PGliteServer } from "./embedded-server.ts";

/** An embedded PostgreSQL (PGlite) served on loopback, so the app uses one `pg` code path. */
export interface EmbeddedPostgres {
  connectionString: string;
  stop(): Promise<void>;
}

/**
 * PostgreSQL's own page cache, inside the WebAssembly heap. The default 128MB costs that much
 * memory per instance (the app and the queue have one each) for tables that fit in a few
 * megabytes; the operating system caches the files below it anyway.
 */
const SHARED_BUFFERS = "16MB";

const PGLITE_MODULE = pathToFileURL(
  createRequire(import.meta.url).resolve("@electric-sql/pglite"),
).href;

/**
 * Creates a new data directory in a short-lived process: initdb leaves several hundred
 * megabytes of WebAssembly heap behind that a long-running process would keep.
 */
function initdbInChild(dir: string): Promise<void> {
  const script = `const m = await import(${JSON.stringify(PGLITE_MODULE)});
const db = await (m.PGlite ?? m.default.PGlite).create(${JSON.stringify(dir)});
await db.close();`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolve();
      else
        reject(new Error(`Could not create the embedded PostgreSQL in ${dir}: ${stderr.trim()}`));
    });
  });
}

export async function startEmbeddedPostgres(options: {
  /** Folder to persist into; undefined keeps the database in memory. */
  dataDir: string | undefined;
  name: string;
}): Promise<EmbeddedPostgres> {
  let dir: string | undefined;
  let lock: { release(): void } | undefined;
  if (options.dataDir) {
    dir = path.join(options.dataDir, options.name);
    mkdirSync(dir, { recursive: true });
    lock = lockDataDir(dir);
  }
  let db: PGlite | undefined;
  try {
    if (dir && !existsSync(path.join(dir, "PG_VERSION"))) await initdbInChild(dir);
    db = await PGlite.create(dir, {
      startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${SHARED_BUFFERS}`],
    });
    const server = new PGliteServer(db);
    const address = await server.listen();
    const open = db;
    return {
      connectionString: `postgres://postgres@${address}/postgres?sslmode=disable`,
      async stop() {
        await server.close();
        await open.close();
        lock?.release();
      },
    };
  } catch (error) {
    await db?.close().catch(() => undefined);
    lock?.release();
    throw error;
  }
}
