import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";

/**
 * The embedded PostgreSQL (PGlite) is one process's: two processes on one data directory would
 * each write its files as if alone and corrupt them. A lock file in the directory names the
 * process that holds it; one left by a process that died is taken over.
 */
export class EmbeddedLockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EmbeddedLockError";
  }
}

interface Holder {
  pid: number;
  hostname: string;
  since: string;
}

export const LOCK_FILE = "stackup.lock";

/** Lock files this process holds, so a pid from an earlier life (pid 1 in a container) is told apart. */
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readHolder(file: string): Holder | undefined {
  try {
    const holder = JSON.parse(readFileSync(file, "utf8")) as Holder;
    return Number.isInteger(holder.pid) && typeof holder.hostname === "string" ? holder : undefined;
  } catch {
    return undefined;
  }
}

function create(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  const holder: Holder = {
    pid: process.pid,
    hostname: hostname(),
    since: new Date().toISOString(),
  };
  writeSync(fd, JSON.stringify(holder));
  closeSync(fd);
  held.add(file);
  return true;
}

/** Why `holder` still holds the lock, or undefined when it is stale. */
function inUse(file: string, holder: Holder | undefined): string | undefined {
  if (!holder) return undefined;
  const where = `process ${holder.pid} on ${holder.hostname} (since ${holder.since})`;
  // Another host (or container) sharing the directory: its processes cannot be seen from here.
  if (holder.hostname !== hostname()) return where;
  if (holder.pid === process.pid) return held.has(file) ? "this same process" : undefined;
  return alive(holder.pid) ? where : undefined;
}

/** Takes the lock on `dir` for this process; throws EmbeddedLockError when another holds it. */
export function lockDataDir(dir: string): { release(): void } {
  const file = path.join(dir, LOCK_FILE);
  if (!create(file)) {
    const holder = inUse(file, readHolder(file));
    if (holder) {
      throw new EmbeddedLockError(
        `The embedded PostgreSQL in ${dir} is in use by ${holder}. It serves one process only: ` +
          "run a web and a worker on PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), or give each " +
          `process its own DATA_DIR. If no Stackup process uses it, delete ${file}.`,
      );
    }
    unlinkSync(file);
    if (!create(file)) {
      throw new EmbeddedLockError(`Another process took the lock on ${dir} at the same moment.`);
    }
  }
  return {
    release() {
      if (!held.delete(file)) return;
      if (readHolder(file)?.pid === process.pid) unlinkSync(file);
    },
  };
}
