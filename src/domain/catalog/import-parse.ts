import { CsvError, parse } from "csv-parse/sync";
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type YAMLMap,
} from "yaml";
import {
  type CatalogRow,
  crossCheck,
  FieldReader,
  LIMITS,
  type LineError,
  readCredential,
  type StackCredentialRef,
  type StackRow,
} from "./import-fields.ts";

export type CatalogFormat = "csv" | "yaml";

export interface ParsedCatalog {
  rows: CatalogRow[];
  errors: LineError[];
}

export const CSV_REQUIRED_COLUMNS = [
  "title",
  "provider",
  "url",
  "estimated_hours",
  "skills",
  "cost_usd",
  "level",
] as const;
export const CSV_OPTIONAL_COLUMNS = [
  "provider_url",
  "xapi_activities",
  "credly_templates",
  "issuer_domains",
] as const;
const CSV_COLUMNS: readonly string[] = [...CSV_REQUIRED_COLUMNS, ...CSV_OPTIONAL_COLUMNS];

/** Reads a catalog file; `rows` is only meaningful when `errors` is empty. */
export function parseCatalogFile(text: string, format: CatalogFormat): ParsedCatalog {
  // Spreadsheets save a BOM and CRLF; normalising first keeps csv-parse's line count exact.
  const normalized = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const parsed = format === "csv" ? parseCsv(normalized) : parseYaml(normalized);
  if (parsed.errors.length === 0) parsed.errors.push(...crossCheck(parsed.rows));
  if (parsed.errors.length === 0 && parsed.rows.length === 0) {
    parsed.errors.push({ line: 1, message: "the file has no credentials to import" });
  }
  parsed.errors.sort((a, b) => a.line - b.line);
  return parsed;
}

function parseCsv(text: string): ParsedCatalog {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info`, each record comes as { record, info }; the typings only know the plain shape.
    records = parse(text, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as typeof records;
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines ?? 1;
      return { rows: [], errors: [{ line, message: `CSV syntax: ${error.message}` }] };
    }
    throw error;
  }
  const rows: CatalogRow[] = [];
  const errors: LineError[] = [];
  const [head, ...body] = records;
  if (!head) {
    return {
      rows,
      errors: [
        {
          line: 1,
          message: `the file is empty; the first row must name the columns: ${CSV_COLUMNS.join(", ")}`,
        },
      ],
    };
  }
  const headerLine = startLine(head);
  const header = head.record.map((name) =>
    name
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, "_"),
  );
  if (header.length === 1 && header[0]?.includes(";")) {
    errors.push({
      line: headerLine,
      message: "columns must be separated by commas, not semicolons",
    });
    return { rows, errors };
  }
  for (const [i, name] of header.entries()) {
    if (!CSV_COLUMNS.includes(name)) {
      errors.push({
        line: headerLine,
        message: `unknown column "${head.record[i]}" (the columns are ${CSV_COLUMNS.join(", ")})`,
      });
    } else if (header.indexOf(name) !== i) {
      errors.push({ line: headerLine, message: `column "${name}" appears twice` });
    }
  }
  const missing = CSV_REQUIRED_COLUMNS.filter((name) => !header.includes(name));
  if (missing.length > 0) {
    errors.push({
      line: headerLine,
      message: `missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} in the first row`,
    });
  }
  if (errors.length > 0) return { rows, errors };

  const hasProviderUrl = header.includes("provider_url");
  for (const entry of body) {
    const line = startLine(entry);
    // A line of only commas or spaces is spreadsheet padding, not a row.
    if (entry.record.every((field) => field.trim() === "")) continue;
    if (entry.record.length !== header.length) {
      errors.push({
        line,
        message: `row has ${entry.record.length} fields; the first row has ${header.length} (quote values that contain commas)`,
      });
      continue;
    }
    const values = Object.fromEntries(header.map((name, i) => [name, entry.record[i]]));
    const reader = new FieldReader(values, () => line);
    const row = readCredential(reader, line, hasProviderUrl);
    if (row) rows.push(row);
    else errors.push(...reader.errors);
  }
  return { rows, errors };
}

/** csv-parse reports the line a record ends on; quoted line breaks inside it move its start up. */
function startLine(entry: { record: string[]; info: { lines: number } }): number {
  const breaks = entry.record.reduce((sum, field) => sum + (field.match(/\n/g)?.length ?? 0), 0);
  return entry.info.lines - breaks;
}

const CREDENTIAL_KEYS = new Set<string>(CSV_COLUMNS);
const PROVIDER_KEYS = new Set(["name", "url", "issuer_domains"]);
const STACK_KEYS = new Set(["role", "title", "description", "credentials"]);
const TOP_KEYS = new Set(["providers", "credentials", "stacks"]);

function parseYaml(text: string): ParsedCatalog {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined) =>
    offset === undefined ? 1 : lineCounter.linePos(offset).line;
  const lineOf = (node: unknown) => lineAt((node as Node | null)?.range?.[0]);
  if (doc.errors.length > 0) {
    return {
      rows: [],
      errors: doc.errors.map((e) => ({
        line: lineAt(e.pos[0]),
        message: `YAML syntax: ${e.message.split("\n")[0]}`,
      })),
    };
  }
  const rows: CatalogRow[] = [];
  const errors: LineError[] = [];
  const contents = deref(doc, doc.contents);
  const credentialList = (node: unknown) => {
    const items = seqItems(doc, node, "credentials", errors, lineOf);
    for (const item of items) readYamlCredential(doc, item, rows, errors, lineOf);
  };

  if (isSeq(contents)) {
    credentialList(contents);
  } else if (isMap(contents)) {
    for (const pair of contents.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : "";
      if (!TOP_KEYS.has(key)) {
        errors.push({
          line: lineOf(pair.key),
          message: `unknown section "${key}" (expected credentials, and optionally providers and stacks)`,
        });
      }
    }
    const section = (name: string) =>
      contents.items.find((p) => isScalar(p.key) && p.key.value === name);
    const providers = section("providers");
    if (providers) {
      for (const item of seqItems(doc, providers.value, "providers", errors, lineOf)) {
        const map = mapOf(doc, item, "provider", errors, lineOf);
        if (!map) continue;
        const reader = readerFor(doc, map, PROVIDER_KEYS, errors, lineOf);
        const name = reader.text("name", LIMITS.provider, true);
        const url = reader.url("url", false);
        const issuerDomains = reader.domains("issuer_domains");
        if (
          reader.errors.length === 0 &&
          name !== undefined &&
          url !== undefined &&
          issuerDomains !== undefined
        ) {
          rows.push({ kind: "provider", line: lineOf(map), name, url, issuerDomains });
        } else errors.push(...reader.errors);
      }
    }
    const credentials = section("credentials");
    if (credentials) credentialList(credentials.value);
    const stacks = section("stacks");
    if (stacks) {
      for (const item of seqItems(doc, stacks.value, "stacks", errors, lineOf)) {
        const map = mapOf(doc, item, "stack", errors, lineOf);
        if (map) readYamlStack(doc, map, rows, errors, lineOf);
      }
    }
  } else {
    errors.push({
      line: lineOf(contents),
      message: "expected a list of credentials, or a mapping with a credentials list",
    });
  }
  return { rows, errors };
}

type LineOf = (node: unknown) => number;

function deref(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function seqItems(
  doc: Document,
  node: unknown,
  name: string,
  errors: LineError[],
  lineOf: LineOf,
): unknown[] {
  const value = deref(doc, node);
  if (value === null || value === undefined || (isScalar(value) && value.value === null)) return [];
  if (!isSeq(value)) {
    errors.push({ line: lineOf(value), message: `${name} must be a list` });
    return [];
  }
  return value.items;
}

function mapOf(
  doc: Document,
  node: unknown,
  what: string,
  errors: LineError[],
  lineOf: LineOf,
): YAMLMap | undefined {
  const value = deref(doc, node);
  if (isMap(value)) return value;
  errors.push({ line: lineOf(value), message: `each ${what} must be a mapping of field: value` });
  return undefined;
}

/** A FieldReader over a YAML mapping whose errors point at each field's own line. */
function readerFor(
  doc: Document,
  map: YAMLMap,
  allowed: Set<string>,
  errors: LineError[],
  lineOf: LineOf,
): FieldReader {
  const values: Record<string, unknown> = {};
  const lines: Record<string, number> = {};
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    if (!allowed.has(key)) {
      errors.push({
        line: lineOf(pair.key),
        message: `unknown field "${key}" (the fields are ${[...allowed].join(", ")})`,
      });
      continue;
    }
    const value = deref(doc, pair.value);
    values[key] = value === null || value === undefined ? null : (value as Node).toJSON();
    lines[key] = lineOf(value ?? pair.key);
  }
  const start = lineOf(map);
  return new FieldReader(values, (field) => lines[field] ?? start);
}

function readYamlCredential(
  doc: Document,
  item: unknown,
  rows: CatalogRow[],
  errors: LineError[],
  lineOf: LineOf,
): void {
  const map = mapOf(doc, item, "credential", errors, lineOf);
  if (!map) return;
  const before = errors.length;
  const reader = readerFor(doc, map, CREDENTIAL_KEYS, errors, lineOf);
  const row = readCredential(reader, lineOf(map), true);
  if (row && errors.length === before) rows.push(row);
  else errors.push(...reader.errors);
}

function readYamlStack(
  doc: Document,
  map: YAMLMap,
  rows: CatalogRow[],
  errors: LineError[],
  lineOf: LineOf,
): void {
  const before = errors.length;
  const reader = readerFor(doc, map, STACK_KEYS, errors, lineOf);
  const role = reader.text("role", LIMITS.role, true);
  const title = reader.text("title", LIMITS.title, true);
  const description = reader.text("description", LIMITS.description, false);
  const refs: StackCredentialRef[] = [];
  const listPair = map.items.find((p) => isScalar(p.key) && p.key.value === "credentials");
  if (!listPair) reader.fail("credentials", "stack credentials are missing");
  else {
    const items = seqItems(doc, listPair.value, "stack credentials", errors, lineOf);
    if (items.length === 0 && errors.length === before) {
      reader.fail("credentials", "a stack needs at least one credential");
    }
    const seen = new Map<string, number>();
    for (const raw of items) {
      const node = deref(doc, raw);
      const line = lineOf(node);
      let ref: StackCredentialRef | undefined;
      if (isScalar(node) && typeof node.value === "string" && node.value.trim() !== "") {
        ref = { line, title: node.value.replace(/\s+/g, " ").trim(), provider: null };
      } else if (isMap(node)) {
        const refReader = readerFor(doc, node, new Set(["title", "provider"]), errors, lineOf);
        const refTitle = refReader.text("title", LIMITS.title, true);
        const provider = refReader.text("provider", LIMITS.provider, true);
        if (refTitle !== undefined && provider !== undefined && refReader.errors.length === 0) {
          ref = { line, title: refTitle, provider };
        } else errors.push(...refReader.errors);
      } else {
        errors.push({
          line,
          message: "a stack credential is a title, or a mapping with title and provider",
        });
      }
      if (!ref) continue;
      const key = `${ref.provider?.toLowerCase() ?? ""}\u0000${ref.title.toLowerCase()}`;
      const first = seen.get(key);
      if (first !== undefined) {
        errors.push({ line, message: `"${ref.title}" is already in this stack (line ${first})` });
      } else {
        seen.set(key, line);
        refs.push(ref);
      }
    }
  }
  if (
    reader.errors.length > 0 ||
    errors.length > before ||
    role === undefined ||
    title === undefined ||
    description === undefined
  ) {
    errors.push(...reader.errors);
    return;
  }
  const row: StackRow = {
    kind: "stack",
    line: lineOf(map),
    role,
    title,
    description,
    credentials: refs,
  };
  rows.push(row);
}
