import { existsSync, readFileSync } from "node:fs";

/** From package.json, found above this file both in the sources and in dist/. */
export function packageVersion(): string {
  for (const up of ["../package.json", "../../package.json"]) {
    const file = new URL(up, import.meta.url);
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8"));
    if (pkg.name === "stackup") return String(pkg.version);
  }
  return "unknown";
}
