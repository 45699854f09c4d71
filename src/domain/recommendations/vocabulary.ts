import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/** Skills, their aliases and the roles that ask for them, as read from skills.yaml. */
export interface Vocabulary {
  version: number;
  /** Normalised skill name → the name as shown. */
  labels: Map<string, string>;
  /** Normalised alias → normalised skill names it stands for (itself, or what it implies). */
  aliases: Map<string, string[]>;
  /** Aliases written in capitals, which match only in capitals inside long text. */
  capitals: Set<string>;
  roles: Role[];
}

export interface Role {
  name: string;
  /** Normalised names and aliases. */
  aliases: string[];
  capitals: string[];
  /** Normalised skill names, most important first. */
  skills: string[];
}

/** Lower case, punctuation to spaces, so "Power-BI" and "power bi" compare equal. */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}+#&]+/gu, " ")
    .trim();
}

const isCapitals = (alias: string) => /^[A-Z][A-Z0-9&]{1,5}$/.test(alias.trim());

class VocabularyError extends Error {}

function list(value: unknown, where: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || !v.trim())) {
    throw new VocabularyError(`${where} must be a list of words`);
  }
  return value as string[];
}

/** Validates and indexes the data file's contents; every problem names where it is. */
export function buildVocabulary(source: unknown): Vocabulary {
  if (!source || typeof source !== "object") throw new VocabularyError("not a mapping");
  const doc = source as Record<string, unknown>;
  if (typeof doc.version !== "number") throw new VocabularyError("version must be a number");
  const skills = doc.skills as Record<string, unknown> | undefined;
  const roles = doc.roles as Record<string, unknown> | undefined;
  if (!skills || typeof skills !== "object") throw new VocabularyError("skills is missing");
  if (!roles || typeof roles !== "object") throw new VocabularyError("roles is missing");

  const labels = new Map<string, string>();
  const aliases = new Map<string, string[]>();
  const capitals = new Set<string>();
  const add = (alias: string, targets: string[]) => {
    const key = normalise(alias);
    if (!key) return;
    if (isCapitals(alias)) capitals.add(key);
    aliases.set(key, [...new Set([...(aliases.get(key) ?? []), ...targets])]);
  };
  for (const [name, entry] of Object.entries(skills)) {
    const e = (entry ?? {}) as Record<string, unknown>;
    labels.set(normalise(name), name);
    const targets = [normalise(name), ...list(e.implies, `skills.${name}.implies`).map(normalise)];
    add(name, targets);
    for (const alias of list(e.aliases, `skills.${name}.aliases`)) add(alias, targets);
  }
  for (const [name, entry] of Object.entries(skills)) {
    const e = (entry ?? {}) as Record<string, unknown>;
    for (const implied of list(e.implies, `skills.${name}.implies`)) {
      if (!labels.has(normalise(implied))) {
        throw new VocabularyError(`skills.${name}.implies names unknown skill "${implied}"`);
      }
    }
  }

  const roleList: Role[] = [];
  for (const [name, entry] of Object.entries(roles)) {
    const e = (entry ?? {}) as Record<string, unknown>;
    const roleSkills = list(e.skills, `roles.${name}.skills`).map(normalise);
    if (roleSkills.length === 0) throw new VocabularyError(`roles.${name} lists no skills`);
    for (const s of roleSkills) {
      if (!labels.has(s)) throw new VocabularyError(`roles.${name} names unknown skill "${s}"`);
    }
    const all = [name, ...list(e.aliases, `roles.${name}.aliases`)];
    roleList.push({
      name,
      aliases: all.map(normalise),
      capitals: all.filter(isCapitals).map(normalise),
      skills: roleSkills,
    });
  }
  return { version: doc.version, labels, aliases, capitals, roles: roleList };
}

let loaded: Vocabulary | undefined;

/**
 * The shipped vocabulary, read and checked on first use (the tests read it, so a broken file
 * fails them). Not at start-up: the YAML parser and a cold parse cost a tenth of a second.
 */
export function vocabulary(): Vocabulary {
  if (!loaded) {
    const url = new URL("./skills.yaml", import.meta.url);
    try {
      const { parse } = createRequire(import.meta.url)("yaml") as typeof import("yaml");
      loaded = buildVocabulary(parse(readFileSync(url, "utf8")));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`skills.yaml: ${reason}`, { cause: error });
    }
  }
  return loaded;
}

/** Where a phrase occurs in text, word-aligned. */
interface Hit {
  start: number;
  end: number;
}

function find(haystack: string, phrase: string): Hit[] {
  const hits: Hit[] = [];
  const padded = ` ${haystack} `;
  let from = 0;
  for (;;) {
    const at = padded.indexOf(` ${phrase} `, from);
    if (at < 0) return hits;
    hits.push({ start: at, end: at + phrase.length });
    from = at + 1;
  }
}

/** Short text is a role or a title: case is not a signal there. */
const isShort = (text: string) => text.trim().split(/\s+/).length <= 6;

export interface Extracted {
  /** Normalised skill names asked for, most important first. */
  skills: string[];
  /** Roles recognised in the text. */
  roles: Role[];
}

/**
 * Reads the skills a role, title or job description asks for: each recognised role adds its
 * skills, and each skill, alias or catalog skill named in the text adds itself. A longer role
 * name wins over a shorter one inside it ("marketing manager" over "manager").
 */
export function extractSkills(
  text: string,
  vocab: Vocabulary,
  catalogSkills: Iterable<string> = [],
): Extracted {
  const norm = normalise(text);
  const short = isShort(text);
  const raw = ` ${text.replace(/[^\p{L}\p{N}+#&]+/gu, " ")} `;
  const allowed = (alias: string, capital: boolean) =>
    !capital || short || raw.includes(` ${alias.toUpperCase()} `);

  const roleHits: { role: Role; hit: Hit }[] = [];
  for (const role of vocab.roles) {
    for (const alias of role.aliases) {
      if (!allowed(alias, role.capitals.includes(alias))) continue;
      for (const hit of find(norm, alias)) roleHits.push({ role, hit });
    }
  }
  roleHits.sort((a, b) => b.hit.end - b.hit.start - (a.hit.end - a.hit.start));
  const taken: Hit[] = [];
  const roles: Role[] = [];
  for (const { role, hit } of roleHits) {
    if (taken.some((t) => hit.start < t.end && t.start < hit.end)) continue;
    taken.push(hit);
    if (!roles.includes(role)) roles.push(role);
  }

  const named: string[] = [];
  for (const [alias, targets] of vocab.aliases) {
    if (!allowed(alias, vocab.capitals.has(alias))) continue;
    if (find(norm, alias).length > 0) named.push(...targets);
  }
  for (const skill of catalogSkills) {
    const key = normalise(skill);
    if (key.length > 2 && find(norm, key).length > 0) named.push(key);
  }
  const skills = [...new Set([...roles.flatMap((r) => r.skills), ...named])];
  return { skills, roles };
}

/** A catalog skill in the vocabulary's terms: "Power-BI" → "power bi", an alias → its skill. */
export function canonicalSkill(skill: string, vocab: Vocabulary): string {
  const key = normalise(skill);
  return vocab.aliases.get(key)?.[0] ?? key;
}

export function skillLabel(skill: string, vocab: Vocabulary): string {
  return vocab.labels.get(skill) ?? skill;
}
