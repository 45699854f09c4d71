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
];

/** The npm packages loaded (CommonJS ones, as require.cache shows them) by importing `modules`. */
function packagesLoadedBy(modules: string[]): string[] {
  const script = `
    import { createRequire } from "node:module";
    for (const m of ${JSON.stringify(modules)}) await import(new URL(m, "file://${ROOT}/").href);
    const names = Object.keys(createRequire(import.meta.url).cache)
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
  it("leave Teams, the dashboard, badge checking, pretty logs and charts until they are used", () => {
    const loaded = packagesLoadedBy(["bin/cli.ts", "bin/app.ts"]);
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
    ]);
    expect(loaded).toEqual(expect.arrayContaining(LAZY.slice(0, 5)));
  });
});
