import { readFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import {
  type CatalogFormat,
  type ImportCounts,
  importCatalog,
  type LineError,
  parseCatalogFile,
} from "../../src/domain/catalog/import.ts";
import { type CommandDeps, commandArgs } from "./args.ts";

const USAGE =
  "usage: stackup catalog import FILE\n" +
  "  FILE is a .csv file (columns: title, provider, url, estimated_hours, skills, cost_usd, level,\n" +
  "  and optionally provider_url) or a .yaml/.yml file (a list of credentials, or providers,\n" +
  "  credentials and stacks).";

const FORMATS: Record<string, CatalogFormat> = { ".csv": "csv", ".yaml": "yaml", ".yml": "yaml" };

/**
 * `stackup catalog import FILE`; `argv` holds the arguments after "import".
 * Exit codes: 0 imported, 1 the file has errors (nothing imported), 2 usage or unreadable file.
 */
export async function catalogImportCommand(argv: string[], deps: CommandDeps): Promise<number> {
  const { stdout, stderr } = deps;
  const args = commandArgs(argv, {}, { name: "catalog import", usage: USAGE }, deps);
  if (typeof args === "number") return args;
  const [file, ...extra] = args.positionals;
  if (file === undefined || file === "") {
    stderr(`catalog import needs a file to read.\n${USAGE}`);
    return 2;
  }
  if (extra.length > 0) {
    stderr(`catalog import takes one file, but got also: ${extra.join(" ")}\n${USAGE}`);
    return 2;
  }
  const format = FORMATS[extname(file).toLowerCase()];
  if (!format) {
    stderr(`${file}: cannot tell the format; name the file .csv, .yaml or .yml.\n${USAGE}`);
    return 2;
  }

  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    stderr(`${file}: ${readProblem(error)}`);
    return 2;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    stderr(`${file}: is not UTF-8 text; save it as UTF-8 (e.g. "CSV UTF-8") and try again.`);
    stderr("nothing imported");
    return 1;
  }

  const parsed = parseCatalogFile(text, format);
  if (parsed.errors.length > 0) return reject(file, parsed.errors, stderr);
  const outcome = await importCatalog(deps.db, parsed.rows);
  if (!outcome.ok) return reject(file, outcome.errors, stderr);
  stdout(`${basename(file)}: ${summary(outcome.counts)}`);
  return 0;
}

function reject(file: string, errors: LineError[], stderr: (s: string) => void): number {
  stderr(`${file}: ${errors.length} problem${errors.length === 1 ? "" : "s"}:`);
  for (const e of errors) stderr(`line ${e.line}: ${e.message}`);
  stderr("nothing imported");
  return 1;
}

function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "is a directory, not a file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  return `cannot be read (${code ?? (error instanceof Error ? error.message : String(error))})`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function summary(c: ImportCounts): string {
  const parts = [
    `${plural(c.credentialsAdded, "credential")} added`,
    `${c.credentialsUpdated} updated`,
    `${c.credentialsUnchanged} unchanged`,
    `${plural(c.providersAdded, "provider")} added`,
  ];
  if (c.providersUpdated > 0) parts.push(`${c.providersUpdated} provider URLs updated`);
  if (c.stacksAdded + c.stacksUpdated > 0) {
    parts.push(`${plural(c.stacksAdded, "stack")} added`, `${c.stacksUpdated} stacks updated`);
  }
  return `imported: ${parts.join(", ")}.`;
}
