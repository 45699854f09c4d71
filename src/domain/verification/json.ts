export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

export function asArray(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

export function str(v: unknown): string | null {
  return typeof v === "string" && v.length > 0 ? v : null;
}

/** The id of a node given either as an IRI string or as an object with an id. */
export function idOf(v: unknown): string | null {
  if (typeof v === "string") return v;
  if (isObject(v)) return str(v.id) ?? str(v["@id"]);
  return null;
}

export function typesOf(node: JsonObject): string[] {
  return asArray(node.type ?? node["@type"]).filter((t): t is string => typeof t === "string");
}

export function isHttpUrl(v: string): boolean {
  return /^https?:\/\//i.test(v);
}
