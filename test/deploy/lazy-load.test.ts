import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ROOT } from "./process.ts";

/** Packages an idle service need not hold: each is loaded when its feature is first used. */
const LAZY = [
  "botbuilder", // Teams, when it is configured
  "@azure/msal-node",
  "@bull-board/api", // the queue dashboard, when DASHBOARD_PASSWORD is set
  "jsonld", // badge checks
  "jsonld-signatures",
  "pino-pretty", // LOG_FORMAT=pretty
  "@resvg/resvg-js", // the digest chart
  "ajv", // the xAPI statement schema, at the first statement
  "yaml", // skills.yaml, at the first recommendation; catalog files
  "@electric-sql/pglite", // the embedded PostgreSQL, without DATABASE_URL or REDIS_URL
];

/** Reports every module an ES import resolves (CommonJS ones show in require.cache instead). */
const RESOLVE_HOOK = `
  let port;
  export function initialize(data) { port = data.port; }
  export async function resolve(specifier, context, next) {
    const resolved = await next(specifier, context);
    port.postMessage(resolved.url);
    return resolved;
  }`;

/** The npm packages loaded (ES modules and CommonJS) by importing `modules`. */
function packagesLoadedBy(modules: string[]): string[] {
  const script = `
    import { createRequire, register } from "node:module";
    import { MessageChannel } from "node:worker_threads";
    const { port1, port2 } = new MessageChannel();
    const resolved = [];
    port1.on("message", (url) => resolved.push(url));
    register("data:text/javascript,${encodeURIComponent(RESOLVE_HOOK)}", {
      data: { port: port2 },
      transferList: [port2],
    });
    for (const m of ${JSON.stringify(modules)}) await import(new URL(m, "file://${ROOT}/").href);
    // Lets the hook's last messages arrive.
    await new Promise((r) => setTimeout(r, 100));
    port1.close();
    const names = [...resolved, ...Object.keys(createRequire(import.meta.url).cache)]
      .map((k) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(k)?.[1])
      .filter(Boolean);
    process.stdout.write(JSON.stringify([...new Set(names)]));
  `;
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", script],
    {
      cwd: ROOT,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "" },
    },
  );
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as string[];
}

describe("start-up imports", () => {
  it("leave Teams, the dashboard, badge checks, pretty logs, charts, the xAPI schema, YAML and the embedded PostgreSQL until they are used", () => {
    const loaded = packagesLoadedBy(["bin/cli.ts", "bin/app.ts", "bin/runtime.ts"]);
    // The probe sees what the service does load.
    expect(loaded).toEqual(expect.arrayContaining(["@slack/bolt", "bullmq", "pg"]));
    expect(LAZY.filter((name) => loaded.includes(name))).toEqual([]);
  });

  it("load them where they are used", () => {
    const loaded = packagesLoadedBy([
      "adapters/teams/app.ts",
      "bin/dashboard.ts",
      "src/domain/verification/ob3.ts",
      "src/domain/verification/proofs.ts",
      "src/domain/catalog/import-parse.ts",
      "src/db/embedded.ts",
    ]);
    expect(loaded).toEqual(
      expect.arrayContaining([...LAZY.slice(0, 5), "yaml", "@electric-sql/pglite"]),
    );
  });
});
