import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/** An embedded PostgreSQL (PGlite) served on loopback, so the app uses one `pg` code path. */
export interface EmbeddedPostgres {
  connectionString: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: {
  /** Folder to persist into; undefined keeps the database in memory. */
  dataDir: string | undefined;
  name: string;
  maxConnections?: number;
}): Promise<EmbeddedPostgres> {
  let dir: string | undefined;
  if (options.dataDir) {
    dir = path.join(options.dataDir, options.name);
    mkdirSync(dir, { recursive: true });
  }
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({
    db,
    host: "127.0.0.1",
    port: 0,
    maxConnections: options.maxConnections ?? 10,
  });
  await server.start();
  const address = server.getServerConn();
  return {
    connectionString: `postgres://postgres@${address}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
