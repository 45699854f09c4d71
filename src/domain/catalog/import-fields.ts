import type { Level } from "../../db/types.ts";
import { isSharedSuffix, normaliseDomain } from "./issuer-domains.ts";

/** A problem with the file, at the 1-based line where the offending row or field starts. */
export interface LineError {
  line: number;
  message: string;
}

export interface CredentialRow {
  kind: "credential";
  line: number;
  title: string;
  provider: string;
  /** Only when the file gives one; an existing provider keeps its URL otherwise. */
  providerUrl: string | null;
  url: string;
  estimatedHours: number;
  skills: string[];
  /** null = unknown, 0 = free. */
  costUsd: number | null;
  level: Level;
  /** xAPI activity ids ("…*" a prefix) reported for this credential; absent: the stored ones stay. */
  xapiActivities?: string[];
  /** Credly badge template ids or names of this credential; absent: the stored ones stay. */
  credlyTemplates?: string[];
  /** Domains the provider issues badges from, added to those already stored. */
  issuerDomains?: string[];
}

export interface ProviderRow {
  kind: "provider";
  line: number;
  name: string;
  url: string | null;
  /** Domains the provider issues badges from, added to those already stored. */
  issuerDomains: string[];
}

/** A stack entry names a credential by title, and by provider when the title alone is ambiguous. */
export interface StackCredentialRef {
  line: number;
  title: string;
  provider: string | null;
}

export interface StackRow {
  kind: "stack";
  line: number;
  role: string;
  title: string;
  description: string | null;
  credentials: StackCredentialRef[];
}

export type CatalogRow = CredentialRow | ProviderRow | StackRow;

export const LEVELS: readonly Level[] = ["beginner", "intermediate", "advanced"];

export const LIMITS = {
  title: 200,
  provider: 200,
  url: 2000,
  role: 100,
  description: 1000,
  skill: 60,
  skills: 30,
  maxHours: 1000,
  // numeric(8, 2) in the schema
  maxCost: 999_999.99,
  mappings: 50,
} as const;

/** Collects errors for one row; each field reports at its own line when the format knows it. */
export class FieldReader {
  readonly errors: LineError[] = [];

  constructor(
    private readonly values: Readonly<Record<string, unknown>>,
    private readonly lineOf: (field: string) => number,
  ) {}

  fail(field: string, message: string): void {
    this.errors.push({ line: this.lineOf(field), message });
  }

  /** Trimmed text with inner whitespace (including line breaks from spreadsheet cells) collapsed. */
  text(field: string, max: number, required: true): string | undefined;
  text(field: string, max: number, required: false): string | null | undefined;
  text(field: string, max: number, required: boolean): string | null | undefined {
    const raw = this.values[field];
    if (raw === undefined || raw === null) {
      if (required) this.fail(field, `${field} is missing`);
      return required ? undefined : null;
    }
    if (typeof raw !== "string" && typeof raw !== "number" && typeof raw !== "boolean") {
      this.fail(field, `${field} must be text, not a list or mapping`);
      return undefined;
    }
    const value = collapse(String(raw));
    if (value === "") {
      if (required) this.fail(field, `${field} is missing`);
      return required ? undefined : null;
    }
    if (value.length > max) {
      this.fail(field, `${field} is ${value.length} characters long; the limit is ${max}`);
      return undefined;
    }
    return value;
  }

  url(field: string, required: true): string | undefined;
  url(field: string, required: false): string | null | undefined;
  url(field: string, required: boolean): string | null | undefined {
    const value = required
      ? this.text(field, LIMITS.url, true)
      : this.text(field, LIMITS.url, false);
    if (value === undefined || value === null) return value;
    if (/\s/.test(value)) {
      this.fail(field, `${field} "${value}" contains spaces; it is not a valid URL`);
      return undefined;
    }
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      this.fail(field, `${field} "${value}" is not a valid URL (it must start with https://)`);
      return undefined;
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      this.fail(field, `${field} "${value}" must start with http:// or https://`);
      return undefined;
    }
    return value;
  }

  hours(field: string): number | undefined {
    const raw = this.values[field];
    if (raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "")) {
      this.fail(field, `${field} is missing`);
      return undefined;
    }
    const hours = toNumber(raw);
    if (hours === undefined) {
      this.fail(field, `${field} "${String(raw).trim()}" is not a number`);
      return undefined;
    }
    // numeric(6, 2): round first, so 0.001 is refused rather than stored as 0
    const rounded = Math.round(hours * 100) / 100;
    if (rounded <= 0) {
      this.fail(field, `${field} must be more than 0 (got ${hours})`);
      return undefined;
    }
    if (rounded > LIMITS.maxHours) {
      this.fail(field, `${field} must be at most ${LIMITS.maxHours} (got ${hours})`);
      return undefined;
    }
    return rounded;
  }

  /** Empty means unknown; "free" and 0 mean free; "$49", "49 USD" and "1,299" are accepted. */
  cost(field: string): number | null | undefined {
    const raw = this.values[field];
    if (raw === undefined || raw === null) return null;
    let amount: number | undefined;
    if (typeof raw === "number") {
      amount = raw;
    } else if (typeof raw === "string") {
      const value = raw.trim().toLowerCase();
      if (value === "") return null;
      if (value === "free") return 0;
      const digits = value
        .replace(/^\$\s*/, "")
        .replace(/\s*usd$/, "")
        .replace(/^usd\s*/, "");
      if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(digits)) amount = Number(digits.replaceAll(",", ""));
      else amount = toNumber(digits);
    }
    if (amount === undefined || !Number.isFinite(amount)) {
      this.fail(
        field,
        `${field} "${String(raw).trim()}" is not an amount (write 49, $49 or free, or leave it empty when unknown)`,
      );
      return undefined;
    }
    if (amount < 0) {
      this.fail(field, `${field} cannot be negative (got ${amount})`);
      return undefined;
    }
    if (amount > LIMITS.maxCost) {
      this.fail(field, `${field} must be at most ${LIMITS.maxCost} (got ${amount})`);
      return undefined;
    }
    return Math.round(amount * 100) / 100;
  }

  level(field: string): Level | undefined {
    const value = this.text(field, 50, true);
    if (value === undefined) return undefined;
    const level = value.toLowerCase() as Level;
    if (!LEVELS.includes(level)) {
      this.fail(field, `${field} "${value}" is not one of ${LEVELS.join(", ")}`);
      return undefined;
    }
    return level;
  }

  /**
   * Where a credential's learning is reported from: a list, or text separated by ";" or "|".
   * Null when the field is absent (what is stored is kept); empty clears it.
   */
  mapping(field: string, kind: "activity" | "template"): string[] | null | undefined {
    const raw = this.values[field];
    if (raw === undefined) return null;
    if (raw === null) return [];
    const items = Array.isArray(raw) ? raw : typeof raw === "string" ? raw.split(/[;|]/) : null;
    if (!items || items.some((i) => typeof i !== "string" && typeof i !== "number")) {
      this.fail(field, `${field} must be a list, or text separated by ";" or "|"`);
      return undefined;
    }
    const values = [...new Set(items.map((i) => collapse(String(i))).filter(Boolean))];
    for (const value of values) {
      if (value.length > LIMITS.url) {
        this.fail(field, `${field} has an entry longer than ${LIMITS.url} characters`);
        return undefined;
      }
      if (kind === "activity" && !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(value)) {
        this.fail(
          field,
          `${field} "${value}" is not an activity id (an IRI such as https://lms.example.com/course/1, or a prefix ending in *)`,
        );
        return undefined;
      }
    }
    if (values.length > LIMITS.mappings) {
      this.fail(field, `${field} lists ${values.length} entries; the limit is ${LIMITS.mappings}`);
      return undefined;
    }
    return values;
  }

  /** Domains such as "coursera.org" or "credly.com": a list, or text separated by ";" or "|". */
  domains(field: string): string[] | undefined {
    const raw = this.values[field];
    if (raw === undefined || raw === null) return [];
    const items = Array.isArray(raw) ? raw : typeof raw === "string" ? raw.split(/[;|]/) : null;
    if (!items) {
      this.fail(field, `${field} must be a list of domains`);
      return undefined;
    }
    const domains: string[] = [];
    for (const item of items) {
      if (typeof item === "string" && item.trim() === "") continue;
      const domain = typeof item === "string" ? normaliseDomain(item) : null;
      if (!domain) {
        this.fail(field, `"${String(item)}" is not a domain such as coursera.org`);
        return undefined;
      }
      if (isSharedSuffix(domain)) {
        this.fail(
          field,
          `"${domain}" is shared by many unrelated sites, so it can't say who issued a badge; give the provider's own domain, such as coursera.org`,
        );
        return undefined;
      }
      if (!domains.includes(domain)) domains.push(domain);
    }
    return domains;
  }

  /** A list, or one text separated by ";" or "|"; stored lower-case like the seeded catalog. */
  skills(field: string): string[] | undefined {
    const raw = this.values[field];
    if (raw === undefined || raw === null) return [];
    let items: unknown[];
    if (Array.isArray(raw)) items = raw;
    else if (typeof raw === "string") items = raw.split(/[;|]/);
    else {
      this.fail(field, `${field} must be a list, or text separated by ";" or "|"`);
      return undefined;
    }
    const skills: string[] = [];
    for (const item of items) {
      if (typeof item !== "string" && typeof item !== "number") {
        this.fail(field, `${field} must contain only text`);
        return undefined;
      }
      const skill = collapse(String(item)).toLowerCase();
      if (skill === "") continue;
      if (skill.length > LIMITS.skill) {
        this.fail(field, `skill "${skill}" is longer than ${LIMITS.skill} characters`);
        return undefined;
      }
      if (!skills.includes(skill)) skills.push(skill);
    }
    if (skills.length > LIMITS.skills) {
      this.fail(field, `${field} lists ${skills.length} skills; the limit is ${LIMITS.skills}`);
      return undefined;
    }
    return skills;
  }
}

function collapse(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function toNumber(raw: unknown): number | undefined {
  if (typeof raw === "number") return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw !== "string") return undefined;
  const value = raw.trim();
  return /^-?(\d+(\.\d+)?|\.\d+)$/.test(value) ? Number(value) : undefined;
}

/** Reads the credential fields shared by CSV and YAML; undefined when any field is bad. */
export function readCredential(
  reader: FieldReader,
  line: number,
  hasProviderUrl: boolean,
): CredentialRow | undefined {
  const title = reader.text("title", LIMITS.title, true);
  const provider = reader.text("provider", LIMITS.provider, true);
  const providerUrl = hasProviderUrl ? reader.url("provider_url", false) : null;
  const url = reader.url("url", true);
  const estimatedHours = reader.hours("estimated_hours");
  const skills = reader.skills("skills");
  const costUsd = reader.cost("cost_usd");
  const level = reader.level("level");
  const xapiActivities = reader.mapping("xapi_activities", "activity");
  const credlyTemplates = reader.mapping("credly_templates", "template");
  const issuerDomains = reader.domains("issuer_domains");
  if (
    reader.errors.length > 0 ||
    title === undefined ||
    provider === undefined ||
    providerUrl === undefined ||
    url === undefined ||
    estimatedHours === undefined ||
    skills === undefined ||
    costUsd === undefined ||
    level === undefined ||
    xapiActivities === undefined ||
    credlyTemplates === undefined ||
    issuerDomains === undefined
  ) {
    return undefined;
  }
  return {
    kind: "credential",
    line,
    title,
    provider,
    providerUrl,
    url,
    estimatedHours,
    skills,
    costUsd,
    level,
    ...(xapiActivities ? { xapiActivities } : {}),
    ...(credlyTemplates ? { credlyTemplates } : {}),
    ...(issuerDomains.length > 0 ? { issuerDomains } : {}),
  };
}

export function credentialKey(provider: string, title: string): string {
  return `${provider.toLowerCase()}\u0000${title.toLowerCase()}`;
}

/**
 * Checks that need the whole file: duplicate credentials, providers and roles, and a provider
 * given two different URLs.
 */
export function crossCheck(rows: CatalogRow[]): LineError[] {
  const errors: LineError[] = [];
  const credentialLines = new Map<string, number>();
  const providerLines = new Map<string, number>();
  const providerUrls = new Map<string, { url: string; line: number }>();
  const roleLines = new Map<string, number>();

  const noteProviderUrl = (name: string, url: string | null, line: number, field: string) => {
    if (url === null) return;
    const seen = providerUrls.get(name.toLowerCase());
    if (!seen) providerUrls.set(name.toLowerCase(), { url, line });
    else if (seen.url !== url) {
      errors.push({
        line,
        message: `${field} "${url}" for ${name} differs from "${seen.url}" on line ${seen.line}`,
      });
    }
  };

  for (const row of rows) {
    if (row.kind === "provider") {
      const first = providerLines.get(row.name.toLowerCase());
      if (first !== undefined) {
        errors.push({
          line: row.line,
          message: `provider "${row.name}" is listed again (first on line ${first})`,
        });
      } else providerLines.set(row.name.toLowerCase(), row.line);
      noteProviderUrl(row.name, row.url, row.line, "url");
    }
  }
  for (const row of rows) {
    if (row.kind === "credential") {
      const key = credentialKey(row.provider, row.title);
      const first = credentialLines.get(key);
      if (first !== undefined) {
        errors.push({
          line: row.line,
          message: `duplicate of line ${first}: "${row.title}" from ${row.provider} is already in this file`,
        });
      } else credentialLines.set(key, row.line);
      noteProviderUrl(row.provider, row.providerUrl, row.line, "provider_url");
    } else if (row.kind === "stack") {
      const first = roleLines.get(row.role.toLowerCase());
      if (first !== undefined) {
        errors.push({
          line: row.line,
          message: `stack for role "${row.role}" is listed again (first on line ${first})`,
        });
      } else roleLines.set(row.role.toLowerCase(), row.line);
    }
  }
  return errors.sort((a, b) => a.line - b.line);
}
