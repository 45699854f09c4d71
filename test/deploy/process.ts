import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Builds dist/ unless it is up to date, as `npm start` does. */
export function buildOnce(): void {
  const r = spawnSync(process.execPath, ["scripts/build.js", "--if-stale"], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
}

export interface Running {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Runs `argv` (argv[0] is `node`) from the repository root with exactly `env` (and PATH). */
export function run(argv: string[], env: Record<string, string>): Running {
  const [command, ...args] = argv;
  if (command !== "node") throw new Error(`expected a node command, got ${command}`);
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  child.stdout?.on("data", (d) => {
    text += d;
  });
  child.stderr?.on("data", (d) => {
    text += d;
  });
  return {
    child,
    output: () => text,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

/** Polls `url` until it answers 200, the process exits, or `ms` pass. */
export async function waitFor200(url: string, running: Running, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (running.child.exitCode !== null) {
      throw new Error(`exited with ${running.child.exitCode}:\n${running.output()}`);
    }
    const status = await fetch(url).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer 200 within ${ms} ms:\n${running.output()}`);
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** The `node … start --role …` lines of the README's Production section, in order. */
export function productionCommands(): string[] {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf("\n## Production\n");
  if (start < 0) throw new Error("README has no Production section");
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^(node [^\n`]*dist\/bin\/main\.js start --role \w+)$/gm)].map(
    (m) => m[1] ?? "",
  );
}
