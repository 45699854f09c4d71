// Whether dist/ was built from the sources as they are now. Shared by the launcher and the build.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DIST = path.join(ROOT, "dist");
/** Folders built into dist/ (with their non-TypeScript files copied as they are). */
export const SOURCE_DIRS = ["bin", "src", "adapters", "jobs", "migrations", "playground"];
/** Written last by a successful build. */
export const STAMP = path.join(DIST, ".built");

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else yield full;
  }
}

/** Every file the build reads, relative to the root. */
export function* sourceFiles() {
  for (const dir of SOURCE_DIRS) {
    const full = path.join(ROOT, dir);
    if (existsSync(full)) for (const file of files(full)) yield path.relative(ROOT, file);
  }
  for (const file of ["tsconfig.json", "package.json", "scripts/build.js", "scripts/bundle.js"]) {
    if (existsSync(path.join(ROOT, file))) yield file;
  }
}

/** True when dist/ exists and no source changed after the last build finished. */
export function buildIsFresh() {
  if (!existsSync(STAMP)) return false;
  const built = statSync(STAMP).mtimeMs;
  for (const file of sourceFiles()) {
    if (statSync(path.join(ROOT, file)).mtimeMs > built) return false;
  }
  return true;
}
