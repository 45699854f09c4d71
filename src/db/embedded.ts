import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { lockDataDir } from "./embedded-lock.ts";
import { PGliteServer } from "./embedded-server.ts";

/** An embedded PostgreSQL (PGlite) served on loopback, so the app uses one `pg` code path. */
export interface EmbeddedPostgres {
  connectionString: string;
  stop(): Promise<void>;
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
    db = await PGlite.create(dir);
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
