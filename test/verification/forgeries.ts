import { createHash } from "node:crypto";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { cryptosuite } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import { CompactSign, exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT } from "jose";
import jsigs from "jsonld-signatures";
import { offlineDocumentLoader } from "../../src/domain/verification/contexts.ts";

/** Badge-building kit for the red-team suite: keys, OB 3.0 and OB 2.0 badges, signatures. */

export type Json = Record<string, unknown>;
export const NOW = new Date("2026-06-01T00:00:00Z");
export const EMAIL = "alice@example.com";
const SALT = "pepper";
const hashed = `sha256$${createHash("sha256")
  .update(EMAIL + SALT)
  .digest("hex")}`;

export interface EdKey {
  publicKeyMultibase: string;
  secretKeyMultibase: string;
}

export async function edKey(): Promise<EdKey> {
  const k = await Ed25519Multikey.generate({ controller: "did:example:unused" });
  const e = await k.export({ publicKey: true, secretKey: true });
  return {
    publicKeyMultibase: String(e.publicKeyMultibase),
    secretKeyMultibase: String(e.secretKeyMultibase),
  };
}

export function ob3(issuer: string, issuerName: string, name = "Data Analysis with Python"): Json {
  return {
    "@context": [
      "https://www.w3.org/ns/credentials/v2",
      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    id: `urn:uuid:${crypto.randomUUID()}`,
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    issuer: { id: issuer, type: ["Profile"], name: issuerName },
    validFrom: "2026-05-01T00:00:00Z",
    name,
    credentialSubject: {
      type: ["AchievementSubject"],
      identifier: [
        {
          type: "IdentityObject",
          identityType: "emailAddress",
          hashed: true,
          salt: SALT,
          identityHash: hashed,
        },
      ],
      achievement: {
        id: "https://achievements.example/data-analysis",
        type: ["Achievement"],
        name,
        criteria: { narrative: "Pass the exam." },
        description: "Analyses data with Python.",
      },
    },
  };
}

/** Signs with eddsa-rdfc-2022, naming `methodId` as the verification method. */
export async function signDi(doc: Json, key: EdKey, methodId: string, controller: string) {
  const pair = await Ed25519Multikey.from({
    type: "Multikey",
    id: methodId,
    controller,
    ...key,
  });
  const suite = new DataIntegrityProof({ signer: pair.signer(), cryptosuite });
  return (await jsigs.sign(structuredClone(doc), {
    suite,
    purpose: new jsigs.purposes.AssertionProofPurpose(),
    documentLoader: offlineDocumentLoader(),
  })) as Json;
}

export function didDocument(did: string, methodId: string, key: EdKey, id = did): Json {
  return {
    "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
    id,
    verificationMethod: [
      {
        id: methodId,
        type: "Multikey",
        controller: id,
        publicKeyMultibase: key.publicKeyMultibase,
      },
    ],
    assertionMethod: [methodId],
  };
}

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

export interface JwtKey {
  privateKey: PrivateKey;
  jwk: JWK;
}

export async function jwtKey(): Promise<JwtKey> {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  return { privateKey, jwk: await exportJWK(publicKey) };
}

/** A VC-JWT (VCDM 2.0 style: the credential is the payload). */
export async function vcJwt(doc: Json, key: JwtKey, header: Json): Promise<string> {
  const issuer = (doc.issuer as Json).id as string;
  return new SignJWT({
    ...doc,
    iss: issuer,
    jti: String(doc.id),
    nbf: Math.floor(Date.parse("2026-05-01T00:00:00Z") / 1000),
  })
    .setProtectedHeader({ alg: "ES256", ...header })
    .sign(key.privateKey);
}

/** Signs a DID-resolved Ed25519 key as a JWT (EdDSA), for kid-as-DID cases. */
export async function vcJwtEd(doc: Json, key: EdKey, kid: string): Promise<string> {
  const pair = await Ed25519Multikey.from({ type: "Multikey", ...key });
  const issuer = (doc.issuer as Json).id as string;
  const header = { alg: "EdDSA", kid, typ: "JWT" };
  const payload = {
    ...doc,
    iss: issuer,
    jti: String(doc.id),
    nbf: Math.floor(Date.parse("2026-05-01T00:00:00Z") / 1000),
  };
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const input = `${enc(header)}.${enc(payload)}`;
  const signature = await pair.signer().sign({ data: new TextEncoder().encode(input) });
  return `${input}.${Buffer.from(signature).toString("base64url")}`;
}

export function ob2Assertion(id: string, badge: string, verification: Json): Json {
  return {
    "@context": "https://w3id.org/openbadges/v2",
    type: "Assertion",
    id,
    recipient: { type: "email", hashed: true, salt: SALT, identity: hashed },
    issuedOn: "2026-05-01T00:00:00Z",
    badge,
    verification,
  };
}

export function ob2Badge(id: string, issuer: string | Json, name = "Data Analysis with Python") {
  return {
    "@context": "https://w3id.org/openbadges/v2",
    type: "BadgeClass",
    id,
    name,
    description: "Analyses data with Python.",
    image: `${id}.png`,
    criteria: { narrative: "Pass the exam." },
    issuer,
  };
}

export function ob2Issuer(id: string, name: string, extra: Json = {}): Json {
  return {
    "@context": "https://w3id.org/openbadges/v2",
    type: "Issuer",
    id,
    name,
    url: new URL(id).origin,
    email: "badges@issuer.example",
    ...extra,
  };
}

export async function rsaKey() {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  return { privateKey, pem: await exportSPKI(publicKey) };
}

/** An OB 2.0 signed assertion: the assertion JSON as an RS256 compact JWS. */
export async function signOb2(assertion: Json, privateKey: PrivateKey): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(assertion)))
    .setProtectedHeader({ alg: "RS256" })
    .sign(privateKey);
}
