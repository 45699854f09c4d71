import { inflateSync } from "node:zlib";
import { XMLParser } from "fast-xml-parser";
import extractChunks from "png-chunks-extract";
import { bytesToText } from "./fetch-json.ts";
import { isObject, type JsonObject } from "./json.ts";

/** What a piece of input turned out to hold. */
export type Payload =
  | { type: "json"; value: JsonObject }
  | { type: "jws"; value: string }
  | { type: "url"; value: string }
  | { type: "html" }
  | { type: "none"; detail: string };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const BAKED_KEYWORDS = new Set(["openbadges", "openbadgecredential"]);
/** Largest baked credential inflated from a PNG: a small file must not become a huge one. */
export const MAX_INFLATED_BYTES = 1_000_000;

export function isPng(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

export function isCompactJws(text: string): boolean {
  return COMPACT_JWS.test(text.trim());
}

/** Classifies text: JSON, compact JWS/JWT, URL, SVG, HTML. */
export function classifyText(text: string): Payload {
  const t = text.replace(/^\uFEFF/, "").trim();
  if (t.startsWith("{")) {
    try {
      const parsed: unknown = JSON.parse(t);
      if (isObject(parsed)) return { type: "json", value: parsed };
    } catch {
      return { type: "none", detail: "json_broken" };
    }
  }
  if (isCompactJws(t)) return { type: "jws", value: t };
  if (/^https?:\/\/\S+$/i.test(t)) return { type: "url", value: t };
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(t)) {
    return fromSvg(t);
  }
  if (/<html[\s>]|<!doctype html/i.test(t.slice(0, 2000))) return { type: "html" };
  return {
    type: "none",
    detail: "unknown",
  };
}

/** Classifies bytes: a baked PNG, or text (JSON, JWS, SVG, HTML). */
export function classifyBytes(bytes: Uint8Array): Payload {
  if (isPng(bytes)) return fromPng(bytes);
  return classifyText(bytesToText(bytes));
}

function fromBakedText(text: string): Payload {
  const p = classifyText(text);
  if (p.type === "json" || p.type === "jws" || p.type === "url") return p;
  return { type: "none", detail: "image_data" };
}

function fromPng(bytes: Uint8Array): Payload {
  let chunks: { name: string; data: Uint8Array }[];
  try {
    chunks = extractChunks(bytes);
  } catch {
    return { type: "none", detail: "png_damaged" };
  }
  for (const chunk of chunks) {
    const text =
      chunk.name === "iTXt"
        ? readItxt(chunk.data)
        : chunk.name === "tEXt"
          ? readText(chunk.data)
          : null;
    if (text && BAKED_KEYWORDS.has(text.keyword)) return fromBakedText(text.text);
  }
  return { type: "none", detail: "png_empty" };
}

function readText(data: Uint8Array): { keyword: string; text: string } | null {
  const nul = data.indexOf(0);
  if (nul < 0) return null;
  const latin1 = new TextDecoder("latin1");
  return {
    keyword: latin1.decode(data.subarray(0, nul)),
    text: latin1.decode(data.subarray(nul + 1)),
  };
}

// iTXt: keyword NUL, compression flag, compression method, language NUL, translated keyword NUL, text
function readItxt(data: Uint8Array): { keyword: string; text: string } | null {
  const k = data.indexOf(0);
  if (k < 0 || k + 3 > data.length) return null;
  const keyword = new TextDecoder("latin1").decode(data.subarray(0, k));
  // only a badge's own chunk is ever inflated
  if (!BAKED_KEYWORDS.has(keyword)) return null;
  const compressed = data[k + 1] === 1;
  const lang = data.indexOf(0, k + 3);
  if (lang < 0) return null;
  const translated = data.indexOf(0, lang + 1);
  if (translated < 0) return null;
  let body = data.subarray(translated + 1);
  if (compressed) {
    try {
      body = inflateSync(body, { maxOutputLength: MAX_INFLATED_BYTES });
    } catch {
      return null;
    }
  }
  return { keyword, text: new TextDecoder().decode(body) };
}

function fromSvg(svg: string): Payload {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    cdataPropName: "#cdata",
    processEntities: true,
    ignoreDeclaration: true,
  });
  let tree: unknown;
  try {
    tree = parser.parse(svg);
  } catch {
    return { type: "none", detail: "svg_broken" };
  }
  const node = findBakedNode(tree, 0);
  if (!node) return { type: "none", detail: "svg_empty" };
  if (typeof node === "string") return fromBakedText(node);
  const verify = node["@_verify"];
  if (typeof verify === "string" && verify.trim()) return fromBakedText(verify);
  const content = node["#cdata"] ?? node["#text"];
  const text = Array.isArray(content) ? content.join("") : content;
  if (typeof text === "string" && text.trim()) return fromBakedText(text);
  return { type: "none", detail: "svg_element_empty" };
}

function findBakedNode(tree: unknown, depth: number): JsonObject | string | null {
  if (depth > 20 || typeof tree !== "object" || tree === null) return null;
  const entries = Array.isArray(tree) ? tree.map((v) => ["", v] as const) : Object.entries(tree);
  for (const [key, value] of entries) {
    if (/^openbadges:(credential|assertion)$/.test(key)) {
      const first = Array.isArray(value) ? value[0] : value;
      if (isObject(first) || typeof first === "string") return first;
    }
  }
  for (const [key, value] of entries) {
    if (key.startsWith("@_")) continue;
    const found = findBakedNode(value, depth + 1);
    if (found) return found;
  }
  return null;
}
