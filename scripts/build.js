// npm run build: compiles the TypeScript to dist/ (source maps on), copies the files the code
// reads at run time (JSON-LD contexts, skills.yaml, the playground page) beside it, and removes
// output whose source is gone (a stale migration must never run). `--if-stale` skips a build
// that is up to date.
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { buildIsFresh, DIST, ROOT, SOURCE_DIRS, STAMP, sourceFiles } from "../bin/build-state.js";

/** The launcher and the build's own helpers run from bin/, not from dist/. */
const NOT_COPIED = new Set(["bin/stackup.js", "bin/build-state.js"]);

if (process.argv.includes("--if-stale") && buildIsFresh()) process.exit(0);

const started = new Date();
// Until it is written again, the launcher treats dist/ as out of date.
rmSync(STAMP, { force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
  cwd: ROOT,
  stdio: "inherit",
});
if (result.status !== 0) process.exit(result.status ?? 1);

const expected = new Set();
for (const file of sourceFiles()) {
  if (!SOURCE_DIRS.some((dir) => file.startsWith(`${dir}${path.sep}`))) continue;
  if (file.endsWith(".ts")) {
    const js = file.replace(/\.ts$/, ".js");
    expected.add(js).add(`${js}.map`);
    continue;
  }
  if (NOT_COPIED.has(file.split(path.sep).join("/"))) continue;
  mkdirSync(path.dirname(path.join(DIST, file)), { recursive: true });
  copyFileSync(path.join(ROOT, file), path.join(DIST, file));
  expected.add(file);
}

function prune(dir) {
  for (const entry of readdirSync(path.join(DIST, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) prune(rel);
    else if (!expected.has(rel)) rmSync(path.join(DIST, rel));
  }
}
for (const dir of SOURCE_DIRS) if (existsSync(path.join(DIST, dir))) prune(dir);

// Dated from the start, so a file saved during the build counts as newer than it.
writeFileSync(STAMP, "");
utimesSync(STAMP, started, started);
