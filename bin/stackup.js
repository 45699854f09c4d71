#!/usr/bin/env node
// Runs the compiled build in dist/. A checkout never built, or whose sources changed since its
// build, runs the TypeScript sources through tsx instead when tsx is installed (development).
import { existsSync } from "node:fs";
import { buildIsFresh, DIST } from "./build-state.js";

process.setSourceMapsEnabled(true);
const built = new URL("../dist/bin/main.js", import.meta.url);
let entry = built;
if (!buildIsFresh()) {
  try {
    const { register } = await import("tsx/esm/api");
    register();
    entry = new URL("./main.ts", import.meta.url);
  } catch {
    if (!existsSync(DIST)) {
      process.stderr.write("Stackup is not built yet: run `npm run build` first.\n");
      process.exit(1);
    }
    process.stderr.write("The sources changed since the last build: run `npm run build`.\n");
  }
}
await import(entry.href);
