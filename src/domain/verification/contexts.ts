import { readFileSync } from "node:fs";
import dataIntegrityContext from "@digitalbazaar/data-integrity-context";
import multikeyContext from "@digitalbazaar/multikey-context";

/** JSON-LD contexts shipped with the project; the verifier never loads contexts from the network. */
const CONTEXT_FILES: Record<string, string> = {
  "https://purl.imsglobal.org/spec/clr/v2p0/context.json": "clr-v2p0.jsonld",
  "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json": "clr-v2p0-2.0.1.jsonld",
  "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld": "ob-v3p0.jsonld",
  "https://purl.imsglobal.org/spec/ob/v3p0/context.json": "ob-v3p0.jsonld",
  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": "ob-v3p0-3.0.1.jsonld",
  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "ob-v3p0-3.0.2.jsonld",
  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-3.0.3.jsonld",
  "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": "ob-v3p0-extensions.jsonld",
  "https://www.w3.org/ns/did/v1": "did-v1.jsonld",
  "https://www.w3.org/ns/odrl.jsonld": "odrl.jsonld",
  "https://w3id.org/security/suites/ed25519-2020/v1": "security-suites-ed25519-2020-v1.jsonld",
  "https://w3id.org/security/data-integrity/v1": "data-integrity-v1.jsonld",
  "https://www.w3.org/2018/credentials/v1": "2018-credentials-v1.jsonld",
  "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
  "https://w3id.org/security/v1": "security-v1.jsonld",
  "https://w3id.org/security/v2": "security-v2.jsonld",
  "https://w3id.org/security/v3": "security-v3-unstable.jsonld",
  "https://w3id.org/security/bbs/v1": "security-bbs-v1.jsonld",
  "https://w3id.org/security/suites/secp256k1-2019/v1": "suites-secp256k1-2019.jsonld",
  "https://w3id.org/security/suites/ed25519-2018/v1": "suites-ed25519-2018.jsonld",
  "https://w3id.org/security/suites/x25519-2019/v1": "suites-x25519-2019.jsonld",
  "https://w3id.org/security/suites/jws-2020/v1": "suites-jws-2020.jsonld",
  "https://openbadgespec.org/v2/context.json": "ob-v2p0.jsonld",
  "https://w3id.org/openbadges/v2": "obv2x.jsonld",
  "https://w3id.org/openbadges/extensions/exampleExtension/context.json":
    "obv2x-example-extension.jsonld",
  "https://w3id.org/openbadges/extensions/applyLinkExtension/context.json":
    "obv2x-applylink-extensions.jsonld",
};

const cache = new Map<string, unknown>();

// Contexts that ship inside the Data Integrity libraries themselves.
const packageContexts = new Map<string, unknown>([
  ...dataIntegrityContext.contexts,
  ...multikeyContext.contexts,
]);

function normalise(url: string): string {
  // http and https spellings of the same context are the same document
  return url.replace(/^http:\/\//, "https://");
}

const NORMALISED = new Map(Object.entries(CONTEXT_FILES).map(([u, f]) => [normalise(u), f]));

/** The bundled context document for a URL, or undefined when it is not shipped. */
export function bundledContext(url: string): unknown {
  const key = normalise(url);
  const file = NORMALISED.get(key);
  if (!file) return packageContexts.get(url);
  let doc = cache.get(key);
  if (doc === undefined) {
    doc = JSON.parse(readFileSync(new URL(`./contexts/${file}`, import.meta.url), "utf8"));
    cache.set(key, doc);
  }
  return doc;
}

export function isBundledContext(url: string): boolean {
  return NORMALISED.has(normalise(url)) || packageContexts.has(url);
}

export interface RemoteDocument {
  contextUrl: null;
  documentUrl: string;
  document: unknown;
}

export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

/**
 * JSON-LD document loader over the bundled contexts plus optional extra documents
 * (verification methods resolved by the verifier). Everything else fails.
 */
export function offlineDocumentLoader(extra?: (url: string) => unknown): DocumentLoader {
  return async (url: string) => {
    const ctx = bundledContext(url);
    if (ctx !== undefined) return { contextUrl: null, documentUrl: url, document: ctx };
    const doc = extra?.(url);
    if (doc !== undefined) return { contextUrl: null, documentUrl: url, document: doc };
    throw new Error(`Document ${url} is not available offline`);
  };
}
