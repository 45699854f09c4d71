// npm run build: bundles the service into dist/bin/ (scripts/bundle.js; source maps on),
// compiles each migration to dist/migrations/, copies the files the code reads at run time
// (JSON-LD contexts, skills.yaml, message catalogues, the playground page) to where the sources have them, and
// removes output whose source is gone (a stale migration must never run). `--if-stale` skips a
// build that is up to date. Types are checked by `npm run typecheck`, not here.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { buildIsFresh, DIST, ROOT, SOURCE_DIRS, STAMP, sourceFiles } from "../bin/build-state.js";
import { bundle, compileMigration } from "./bundle.js";

/** The launcher and the build's own helpers run from bin/, not from dist/. */
const NOT_COPIED = new Set(["bin/stackup.js", "bin/build-state.js"]);

if (process.argv.includes("--if-stale") && buildIsFresh()) process.exit(0);

const started = new Date();
// Until it is written again, the launcher treats dist/ as out of date.
rmSync(STAMP, { force: true });
const expected = new Set();
try {
  for (const file of await bundle(ROOT, path.join(DIST, "bin")))
    expected.add(path.join("bin", file));
} catch {
  // esbuild has printed what is wrong.
  process.exit(1);
}
for (const file of sourceFiles()) {
  if (!SOURCE_DIRS.some((dir) => file.startsWith(`${dir}${path.sep}`))) continue;
  if (file.endsWith(".ts")) {
    if (path.dirname(file) !== "migrations") continue;
    const js = file.replace(/\.ts$/, ".js");
    const { code, map } = await compileMigration(path.join(ROOT, file), path.join(DIST, js));
    mkdirSync(path.dirname(path.join(DIST, js)), { recursive: true });
    writeFileSync(path.join(DIST, js), code);
    writeFileSync(path.join(DIST, `${js}.map`), map);
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
  if (readdirSync(path.join(DIST, dir)).length === 0)
    rmSync(path.join(DIST, dir), { recursive: true });
}
for (const dir of SOURCE_DIRS) if (existsSync(path.join(DIST, dir))) prune(dir);
// Left by the TypeScript compiler that built dist/ before.
rmSync(path.join(DIST, ".tsbuildinfo"), { force: true });

// Dated from the start, so a file saved during the build counts as newer than it.
writeFileSync(STAMP, "");
utimesSync(STAMP, started, started);
