// Minimal typings for untyped JSON-LD / Data Integrity libraries, covering only what the verifier uses.

declare module "jsonld" {
  type Loader = (
    url: string,
  ) => Promise<{ contextUrl: null; documentUrl: string; document: unknown }>;
  interface Options {
    documentLoader?: Loader;
    safe?: boolean;
    base?: string | null;
    compactArrays?: boolean;
    compactToRelative?: boolean;
    expandContext?: unknown;
  }
  const jsonld: {
    expand(doc: unknown, options?: Options): Promise<Record<string, unknown>[]>;
    compact(doc: unknown, ctx: unknown, options?: Options): Promise<Record<string, unknown>>;
  };
  export default jsonld;
}

declare module "jsonld-signatures" {
  type Loader = (
    url: string,
  ) => Promise<{ contextUrl: null; documentUrl: string; document: unknown }>;
  interface VerifyResult {
    verified: boolean;
    error?: { errors?: Error[]; message?: string } & Error;
    results?: { proof: Record<string, unknown>; verified: boolean; error?: Error }[];
  }
  class ProofPurpose {}
  const jsigs: {
    sign(
      doc: unknown,
      options: { suite: unknown; purpose: ProofPurpose; documentLoader: Loader },
    ): Promise<Record<string, unknown>>;
    verify(
      doc: unknown,
      options: { suite: unknown; purpose: ProofPurpose; documentLoader: Loader },
    ): Promise<VerifyResult>;
    purposes: {
      AssertionProofPurpose: new (options?: {
        controller?: Record<string, unknown>;
        date?: Date;
      }) => ProofPurpose;
    };
  };
  export default jsigs;
}

declare module "@digitalbazaar/data-integrity" {
  export class DataIntegrityProof {
    constructor(options: { cryptosuite: unknown; legacyContext?: boolean; signer?: unknown });
  }
}

declare module "@digitalbazaar/eddsa-rdfc-2022-cryptosuite" {
  export const cryptosuite: { name: string; [key: string]: unknown };
}

declare module "@digitalbazaar/ecdsa-sd-2023-cryptosuite" {
  export function createVerifyCryptosuite(): { name: string; [key: string]: unknown };
}

declare module "@digitalbazaar/ed25519-signature-2020" {
  export class Ed25519Signature2020 {}
}

declare module "@digitalbazaar/ed25519-multikey" {
  interface KeyPair {
    publicKeyMultibase: string;
    signer(): { sign(options: { data: Uint8Array }): Promise<Uint8Array> };
    export(options: Record<string, boolean>): Promise<Record<string, string>>;
  }
  export function from(key: Record<string, unknown>): Promise<KeyPair>;
  export function generate(options?: Record<string, unknown>): Promise<KeyPair>;
  export function toJwk(options: { keyPair: unknown }): Promise<Record<string, unknown>>;
}

declare module "@digitalbazaar/ecdsa-multikey" {
  export function from(key: Record<string, unknown>): Promise<{ publicKeyMultibase: string }>;
  export function toJwk(options: { keyPair: unknown }): Promise<Record<string, unknown>>;
}

declare module "base58-universal" {
  export function decode(input: string): Uint8Array;
  export function encode(input: Uint8Array): string;
}

declare module "png-chunks-extract" {
  export default function extract(data: Uint8Array): { name: string; data: Uint8Array }[];
}

declare module "@digitalbazaar/data-integrity-context" {
  const pkg: { contexts: Map<string, unknown> };
  export default pkg;
}

declare module "@digitalbazaar/multikey-context" {
  const pkg: { contexts: Map<string, unknown> };
  export default pkg;
}
