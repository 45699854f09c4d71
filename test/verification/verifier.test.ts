import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { cryptosuite } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import jsigs from "jsonld-signatures";
import { describe, expect, it } from "vitest";
import { offlineDocumentLoader } from "../../src/domain/verification/contexts.ts";
import {
  createMappedFetch,
  credlyAssertionUrl,
  type Fetcher,
  verifyCredential,
} from "../../src/domain/verification/index.ts";

const ROOT = fileURLToPath(new URL("./fixtures/openbadges/", import.meta.url));
const NOW = new Date("2025-06-01T00:00:00Z");
// Published test-vector key of the 1EdTech OB 3.0 implementation guide (test use only).
const PUBLIC = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi";
const SECRET =
  "zrv2bqTbNwCTsRrHFcJCPjVAduh4Ezcnoq1A3ZxH1GWTNkxipLVuaAoMFmze2gFN9oNXfJjufxSHWVZzsJiUsMHFMcx";

type Json = Record<string, unknown>;

function stubFetch(routes: Record<string, { status?: number; body: unknown; type?: string }>) {
  const calls: string[] = [];
  const fetcher: Fetcher = async (url) => {
    calls.push(url);
    const route = routes[url];
    if (!route) throw new Error(`unreachable ${url}`);
    const text = typeof route.body === "string" ? route.body : JSON.stringify(route.body);
    return {
      url,
      finalUrl: url,
      status: route.status ?? 200,
      contentType: route.type ?? "application/json",
      body: new TextEncoder().encode(text),
    };
  };
  return { fetcher, calls };
}

function credential(issuer: string, extra: Json = {}): Json {
  return {
    "@context": [
      "https://www.w3.org/ns/credentials/v2",
      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    id: "urn:uuid:2c9b8e9c-5d1f-4b5e-8d0e-6f1f3c1a0001",
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    issuer: { id: issuer, type: ["Profile"], name: "Stackup Academy" },
    validFrom: "2024-05-01T00:00:00Z",
    name: "Kubernetes Basics",
    credentialSubject: {
      type: ["AchievementSubject"],
      identifier: [
        {
          type: "IdentityObject",
          identityType: "emailAddress",
          hashed: true,
          salt: "pepper",
          identityHash: `sha256$${createHash("sha256")
            .update("alice@example.com" + "pepper")
            .digest("hex")}`,
        },
      ],
      achievement: {
        id: "https://academy.example/achievements/k8s",
        type: ["Achievement"],
        name: "Kubernetes Basics",
        criteria: { narrative: "Pass the exam." },
        description: "Runs workloads on Kubernetes.",
      },
    },
    evidence: [{ id: "https://academy.example/evidence/1", type: ["Evidence"] }],
    ...extra,
  };
}

async function sign(doc: Json, controller: string, methodId: string): Promise<Json> {
  const keyPair = await Ed25519Multikey.from({
    type: "Multikey",
    controller,
    id: methodId,
    publicKeyMultibase: PUBLIC,
    secretKeyMultibase: SECRET,
  });
  const suite = new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite });
  return jsigs.sign(structuredClone(doc), {
    suite,
    purpose: new jsigs.purposes.AssertionProofPurpose(),
    documentLoader: offlineDocumentLoader(),
  });
}

const DID_KEY = `did:key:${PUBLIC}`;
const DID_KEY_METHOD = `${DID_KEY}#${PUBLIC}`;
const offline = stubFetch({}).fetcher;

describe("OB 3.0 Data Integrity (eddsa-rdfc-2022)", () => {
  it("accepts a did:key-signed credential and matches the hashed email case-insensitively", async () => {
    const signed = await sign(credential(DID_KEY), DID_KEY, DID_KEY_METHOD);
    const r = await verifyCredential(signed, {
      now: NOW,
      fetch: offline,
      expectedEmails: ["ALICE@example.com"],
    });
    expect(r.verdict).toBe("valid");
    expect(r.kind).toBe("ob3");
    expect(r.recipientMatch).toBe(true);
    expect(r.name).toBe("Kubernetes Basics");
    expect(r.issuer).toEqual({ id: DID_KEY, name: "Stackup Academy", url: null });
    expect(r.issuedOn).toBe("2024-05-01T00:00:00.000Z");
    expect(r.evidenceUrl).toBe("https://academy.example/evidence/1");
  });

  it("rejects a credential awarded to someone else", async () => {
    const signed = await sign(credential(DID_KEY), DID_KEY, DID_KEY_METHOD);
    const r = await verifyCredential(signed, {
      now: NOW,
      fetch: offline,
      expectedEmails: ["bob@example.com"],
    });
    expect(r.verdict).toBe("invalid");
    expect(r.recipientMatch).toBe(false);
    expect(r.reasons.map((x) => x.code)).toContain("recipient.mismatch");
  });

  it("detects changes made after signing", async () => {
    const signed = await sign(credential(DID_KEY), DID_KEY, DID_KEY_METHOD);
    (signed as { name: string }).name = "Kubernetes Expert";
    const r = await verifyCredential(signed, { now: NOW, fetch: offline });
    expect(r.verdict).toBe("invalid");
    expect(r.reasons.map((x) => x.code)).toContain("signature.invalid");
  });

  it("rejects a key whose controller is not the issuer", async () => {
    const method = `https://other.example/keys#${PUBLIC}`;
    const signed = await sign(
      credential("https://academy.example/issuer"),
      "https://other.example/keys",
      method,
    );
    const r = await verifyCredential(signed, { now: NOW, fetch: offline });
    expect(r.reasons.map((x) => x.code)).toContain("key.unresolvable");
    expect(r.verdict).toBe("invalid");
  });

  it("reports validUntil in the past as expired", async () => {
    const doc = credential(DID_KEY, { validUntil: "2025-01-01T00:00:00Z" });
    const signed = await sign(doc, DID_KEY, DID_KEY_METHOD);
    const r = await verifyCredential(signed, { now: NOW, fetch: offline });
    expect(r.reasons.map((x) => x.code)).toEqual(["time.expired"]);
    expect(r.expires).toBe("2025-01-01T00:00:00.000Z");
  });

  it("resolves did:web through the issuer's DID document", async () => {
    const did = "did:web:academy.example";
    const method = `${did}#key-1`;
    const signed = await sign(credential(did), did, method);
    const didDoc = {
      "@context": ["https://www.w3.org/ns/did/v1"],
      id: did,
      verificationMethod: [
        { id: method, type: "Multikey", controller: did, publicKeyMultibase: PUBLIC },
      ],
      assertionMethod: [method],
    };
    const { fetcher, calls } = stubFetch({
      "https://academy.example/.well-known/did.json": { body: didDoc },
    });
    const r = await verifyCredential(signed, { now: NOW, fetch: fetcher });
    expect(r.verdict).toBe("valid");
    expect(calls).toEqual(["https://academy.example/.well-known/did.json"]);

    const unlisted = stubFetch({
      "https://academy.example/.well-known/did.json": { body: { ...didDoc, assertionMethod: [] } },
    });
    const refused = await verifyCredential(signed, { now: NOW, fetch: unlisted.fetcher });
    expect(refused.verdict).toBe("invalid");
    expect(refused.reasons.map((x) => x.code)).toContain("key.unresolvable");
  });

  it("checks a 1EdTechRevocationList: unreachable warns, listed revokes", async () => {
    const status = { id: "https://academy.example/revocations", type: "1EdTechRevocationList" };
    const doc = credential(DID_KEY, { credentialStatus: status });
    // the status type is defined by the OB 3.0 extensions context
    (doc["@context"] as string[]).push("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json");
    const signed = await sign(doc, DID_KEY, DID_KEY_METHOD);
    const unreachable = await verifyCredential(signed, { now: NOW, fetch: offline });
    expect(unreachable.verdict).toBe("warning");
    expect(unreachable.reasons.map((x) => x.code)).toContain("status.unreachable");

    const listed = stubFetch({
      "https://academy.example/revocations": {
        body: { revokedCredential: [{ id: doc.id, revocationReason: "Issued in error" }] },
      },
    });
    const revoked = await verifyCredential(signed, { now: NOW, fetch: listed.fetcher });
    expect(revoked.verdict).toBe("invalid");
    const why = revoked.reasons.find((x) => x.code === "revoked");
    expect(why?.message).toBe("The issuer revoked this credential: Issued in error.");
    // worded later in the owner's language: the issuer's own reason travels as a value
    expect(why).toMatchObject({ detail: "credential_why", values: { why: "Issued in error" } });
  });
});

describe("OB 3.0 VC-JWT", () => {
  /** Signs with a fresh key carried in the JOSE header, as baked OB 3.0 JWTs do. */
  async function jwtFor(alg: "ES256" | "RS256", claims: Json) {
    const { privateKey, publicKey } = await generateKeyPair(alg);
    const jwk = await exportJWK(publicKey);
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg, typ: "JWT", jwk })
      .sign(privateKey);
    return { token, jwk };
  }

  const issuer = "https://academy.example/issuer";
  const base = credential(issuer);
  const claims = (extra: Json = {}) => ({
    ...base,
    iss: issuer,
    jti: String(base.id),
    nbf: Math.floor(Date.parse("2024-05-01T00:00:00Z") / 1000),
    ...extra,
  });

  it("verifies ES256 with a kid URL serving the key set", async () => {
    const kidUrl = "https://academy.example/jwks.json";
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    const jwk = { ...(await exportJWK(publicKey)), kid: kidUrl };
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: "ES256", kid: kidUrl })
      .sign(privateKey);
    const { fetcher } = stubFetch({ [kidUrl]: { body: { keys: [jwk] } } });
    const r = await verifyCredential(token, { now: NOW, fetch: fetcher });
    expect(r.reasons.filter((x) => x.severity !== "info")).toEqual([]);
    expect(r.verdict).toBe("valid");
    expect(r.raw).toBe(token);
  });

  it("verifies RS256 with the key in the header and rejects another key's signature", async () => {
    const { token, jwk } = await jwtFor("RS256", claims());
    const ok = await verifyCredential(token, { now: NOW, fetch: offline });
    expect(ok.verdict).toBe("valid");
    const other = await jwtFor("RS256", claims());
    const [h, p] = token.split(".");
    const forged = `${h}.${p}.${other.token.split(".")[2]}`;
    expect(jwk.kty).toBe("RSA");
    const bad = await verifyCredential(forged, { now: NOW, fetch: offline });
    expect(bad.reasons.map((x) => x.code)).toContain("signature.invalid");
  });

  it("checks iss against the issuer and exp against the clock", async () => {
    const mismatch = await jwtFor("ES256", claims({ iss: "https://evil.example" }));
    const r1 = await verifyCredential(mismatch.token, { now: NOW, fetch: offline });
    expect(r1.reasons.map((x) => x.code)).toContain("jwt.claim_mismatch");
    const expired = await jwtFor(
      "ES256",
      claims({ exp: Math.floor(Date.parse("2025-01-01") / 1000) }),
    );
    const r2 = await verifyCredential(expired.token, { now: NOW, fetch: offline });
    expect(r2.reasons.map((x) => x.code)).toContain("time.expired");
    expect(r2.verdict).toBe("invalid");
  });
});

describe("OB 2.0 hosted assertions and inputs", () => {
  const assets = createMappedFetch([
    { prefix: "https://example.org/", path: `${ROOT}ob20/assets/` },
  ]);
  const assertion = JSON.parse(readFileSync(`${ROOT}ob20/basic-assertion.json`, "utf8")) as Json;
  const withHosted = (hosted: { status?: number; body: unknown }): Fetcher => {
    const stub = stubFetch({ [assertion.id as string]: hosted });
    return (url, o) => (url === assertion.id ? stub.fetcher(url, o) : assets(url, o));
  };

  it("treats 410 Gone at the assertion id as revoked", async () => {
    const r = await verifyCredential(assertion, {
      now: NOW,
      fetch: withHosted({ status: 410, body: "" }),
    });
    expect(r.verdict).toBe("invalid");
    expect(r.reasons.map((x) => x.code)).toContain("revoked");
  });

  it("treats revoked: true in the hosted copy as revoked", async () => {
    const hosted = { ...assertion, revoked: true, revocationReason: "Cheating" };
    const r = await verifyCredential(assertion, { now: NOW, fetch: withHosted({ body: hosted }) });
    expect(r.reasons.find((x) => x.code === "revoked")?.message).toContain("Cheating");
  });

  it("is valid without warnings when the hosted copy is reachable", async () => {
    const r = await verifyCredential(assertion, {
      now: NOW,
      fetch: withHosted({ body: assertion }),
    });
    expect(r.verdict).toBe("valid");
    expect(r.credentialUrl).toBe(assertion.id);
    expect(r.evidenceUrl).toBe("https://example.org/beths-robot-work.html");
  });

  it("refuses a data: URI image on an assertion", async () => {
    const doc = { ...assertion, image: "data:image/png;base64,iVBORw0KGgo=" };
    const r = await verifyCredential(doc, { now: NOW, fetch: withHosted({ body: doc }) });
    expect(r.reasons.map((x) => x.code)).toContain("image.data_uri");
    expect(r.verdict).toBe("invalid");
  });

  it("refuses a hosted assertion served from a domain the issuer does not allow", async () => {
    const doc = { ...assertion, id: "https://badges.attacker.example/a.json" };
    const stub = stubFetch({ [doc.id]: { body: doc } });
    const fetcher: Fetcher = (url, o) => (url === doc.id ? stub.fetcher(url, o) : assets(url, o));
    const r = await verifyCredential(doc.id, { now: NOW, fetch: fetcher });
    expect(r.reasons.map((x) => x.code)).toContain("verification.policy");
  });
});

describe("URL inputs", () => {
  it("resolves a Credly badge page to its Open Badges assertion endpoint", async () => {
    const page = "https://www.credly.com/badges/0F0E2C39-2BB6-4D0A-9E3C-6C3C0C1A2B3C/public_url";
    const api =
      "https://api.credly.com/v1/obi/v2/badge_assertions/0f0e2c39-2bb6-4d0a-9e3c-6c3c0c1a2b3c";
    expect(credlyAssertionUrl(page)).toBe(api);
    expect(credlyAssertionUrl("https://www.credly.com/users/someone")).toBeNull();
    const { fetcher, calls } = stubFetch({ [api]: { status: 404, body: "" } });
    const r = await verifyCredential(page, { now: NOW, fetch: fetcher });
    expect(calls[0]).toBe(api);
    expect(r.reasons.map((x) => x.code)).toEqual(["credly.resolved", "fetch.failed"]);
  });

  it("stores an HTML-only certificate page as link only, never valid", async () => {
    const url = "https://coursera.example/verify/ABC123";
    const html = "<!doctype html><html><body>Certificate of completion</body></html>";
    const { fetcher } = stubFetch({ [url]: { body: html, type: "text/html; charset=utf-8" } });
    const r = await verifyCredential(url, { now: NOW, fetch: fetcher });
    expect(r.kind).toBe("link_only");
    expect(r.verdict).not.toBe("valid");
    expect(r.reasons[0]?.message).toContain("link only — not cryptographically verifiable");
    expect(r.credentialUrl).toBe(url);
  });

  it("reports a refused address without throwing", async () => {
    const r = await verifyCredential("http://169.254.169.254/latest/meta-data/", { now: NOW });
    expect(r.verdict).toBe("invalid");
    expect(r.reasons[0]?.code).toBe("fetch.refused");
  });

  it("rejects input that is not a credential", async () => {
    const r = await verifyCredential("hello there", { now: NOW, fetch: offline });
    expect(r.verdict).toBe("invalid");
    expect(r.reasons[0]?.code).toBe("input.unsupported");
  });
});
