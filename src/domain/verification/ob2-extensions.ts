import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { bundledContext } from "./contexts.ts";
import { errorMessage, fetchJson } from "./fetch-json.ts";
import { asArray, isObject, type JsonObject, str, typesOf } from "./json.ts";
import { compact, OB2_CONTEXT, type Ob2Context } from "./ob2-nodes.ts";
import { REASON_CODES as C } from "./reasons.ts";

/** Extension nodes are validated against the JSON Schemas their extension contexts declare. */
export async function checkExtensions(
  original: JsonObject,
  compacted: JsonObject,
  ctx: Ob2Context,
): Promise<void> {
  const extensionContexts = new Set<string>();
  collectContexts(original, extensionContexts, 0);
  extensionContexts.delete(OB2_CONTEXT);
  const found: JsonObject[] = [];
  collectExtensionNodes(compacted, found, 0);
  if (found.length === 0) return;
  // re-compact the whole document with the extension contexts so extension terms read as declared
  let withExtensions: JsonObject;
  try {
    withExtensions = await compact(original, [OB2_CONTEXT, ...extensionContexts]);
  } catch (err) {
    ctx.reasons.error(C.extensionInvalid, {
      detail: "unprocessable",
      values: { error: errorMessage(err) },
    });
    return;
  }
  const nodes: JsonObject[] = [];
  collectExtensionNodes(withExtensions, nodes, 0);

  const validations: { type: string; schema: string }[] = [];
  for (const url of extensionContexts) {
    const doc = offlineContext(url);
    for (const v of asArray(doc?.["obi:validation"] ?? doc?.validation)) {
      if (!isObject(v)) continue;
      const type = str(v["obi:validatesType"] ?? v.validatesType);
      const schema = str(v["obi:validationSchema"] ?? v.validationSchema);
      if (type && schema) validations.push({ type, schema });
    }
  }
  for (const local of nodes) {
    const nodeTypes = typesOf(local);
    const matching = validations.filter((v) => nodeTypes.some((t) => sameClass(t, v.type)));
    if (matching.length === 0 && validations.length === 0) {
      ctx.reasons.info(C.extensionUnchecked, { detail: "no_schema" });
      continue;
    }
    // a node whose type matches no declared validation is held to all in-scope schemas
    for (const v of matching.length > 0 ? matching : validations) {
      const schema = await fetchJson(ctx.fetcher, v.schema);
      if (!schema.ok || !isObject(schema.json)) {
        ctx.reasons.warn(C.extensionUnchecked, { detail: "schema", values: { url: v.schema } });
        continue;
      }
      const { $schema: _ignored, ...body } = schema.json;
      try {
        const ajv = new Ajv({ strict: false, allErrors: true });
        addFormats.default(ajv);
        const validate = ajv.compile(body);
        if (!validate(local)) {
          const first = validate.errors?.[0];
          ctx.reasons.error(C.extensionInvalid, {
            detail: "schema",
            values: { error: `${first?.instancePath || "/"} ${first?.message ?? ""}`.trim() },
          });
        }
      } catch (err) {
        ctx.reasons.warn(C.extensionUnchecked, {
          detail: "schema_unusable",
          values: { error: errorMessage(err) },
        });
      }
    }
  }
}

function sameClass(a: string, b: string): boolean {
  if (a === b) return true;
  const local = (s: string) => s.split(/[#:/]/).filter(Boolean).pop() ?? s;
  return local(a) === local(b);
}

/** Extension contexts are read from the bundled set only, like every other context. */
function offlineContext(url: string): JsonObject | null {
  const doc = bundledContext(url);
  return isObject(doc) ? doc : null;
}

function collectContexts(v: unknown, out: Set<string>, depth: number): void {
  if (depth > 10) return;
  if (Array.isArray(v)) {
    for (const x of v) collectContexts(x, out, depth + 1);
    return;
  }
  if (!isObject(v)) return;
  for (const c of asArray(v["@context"])) if (typeof c === "string") out.add(c);
  for (const [k, x] of Object.entries(v)) if (k !== "@context") collectContexts(x, out, depth + 1);
}

function collectExtensionNodes(v: unknown, out: JsonObject[], depth: number): void {
  if (depth > 10) return;
  if (Array.isArray(v)) {
    for (const x of v) collectExtensionNodes(x, out, depth + 1);
    return;
  }
  if (!isObject(v)) return;
  if (typesOf(v).includes("Extension")) out.push(v);
  for (const x of Object.values(v)) collectExtensionNodes(x, out, depth + 1);
}
