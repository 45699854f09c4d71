import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface LogEntry {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** `stackup start` in a process of its own, as an operator runs it. */
export interface ServiceProcess {
  child: ChildProcess;
  /** Base URL of its HTTP server. */
  url: string;
  /** Every JSON log line it wrote so far. */
  logs: LogEntry[];
  /** Anything it wrote that was not a JSON log line (a crash's stack trace, say). */
  stderr: string[];
  alive(): boolean;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited(): Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Starts the service with `env` over the test's own and waits until it listens. */
export async function startService(
  env: Record<string, string>,
  options: { role?: "all" | "web" | "worker"; timeoutMs?: number } = {},
): Promise<ServiceProcess> {
  const child = spawn(
    process.execPath,
    // The sources, not a build that may be stale.
    ["--import", "tsx", path.join(root, "bin/main.ts"), "start", "--role", options.role ?? "all"],
    {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", PORT: "0", LOG_LEVEL: "info", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const logs: LogEntry[] = [];
  const stderr: string[] = [];
  let exit: number | string | undefined;
  const ended = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => {
      exit = code ?? signal ?? "unknown";
      resolve(exit);
    }),
  );
  let pending = "";
  const waiters = new Set<() => void>();
  child.stdout!.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as LogEntry);
      } catch {
        stderr.push(line);
      }
    }
    for (const wake of waiters) wake();
  });
  child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk.toString("utf8")));

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let url: string | undefined;
  while (!url) {
    url = logs.find((l) => l.msg === "listening")?.url as string | undefined;
    if (url) break;
    if (exit !== undefined) {
      throw new Error(`stackup exited (${exit}) before listening:\n${stderr.join("")}`);
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`stackup did not start in time:\n${stderr.join("")}`);
    }
    await new Promise<void>((resolve) => {
      const wake = () => {
        waiters.delete(wake);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(wake, 100);
      waiters.add(wake);
    });
  }
  return {
    child,
    url,
    logs,
    stderr,
    alive: () => exit === undefined,
    exited: () => ended,
    async kill(signal = "SIGKILL") {
      if (exit === undefined) child.kill(signal);
      return ended;
    },
  };
}
