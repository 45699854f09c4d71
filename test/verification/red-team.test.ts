import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEEDED_ISSUERS } from "../../src/domain/catalog/issuer-domains.ts";
import {
  type VerificationResult,
  type VerifyInput,
  verifyCredential,
} from "../../src/domain/verification/index.ts";
import { BadgeHosts } from "./badge-hosts.ts";
import {
  didDocument,
  type EdKey,
  EMAIL,
  edKey,
  type JwtKey,
  jwtKey,
  NOW,
  ob2Assertion,
  ob2Badge,
  ob2Issuer,
  ob3,
  rsaKey,
  signDi,
  signOb2,
  vcJwt,
  vcJwtEd,
} from "./forgeries.ts";

// Hosts: the forger controls *.evil.example and the look-alikes; the honest issuers and Credly
// serve their own names. Coursera's real host serves only its genuine issuer profile.
const COURSERA = "https://www.coursera.org/issuer";
const EVIL = "https://badges.evil.example";
const HONEST = "https://badges.honest.example";

const hosts = new BadgeHosts();
let forger: EdKey;
let honest: EdKey;
let forgerJwt: JwtKey;
let honestJwt: JwtKey;

beforeAll(async () => {
  [forger, honest, forgerJwt, honestJwt] = await Promise.all([
    edKey(),
    edKey(),
    jwtKey(),
    jwtKey(),
  ]);
  // Coursera's genuine profile lists its own key, never the forger's
  hosts.put(COURSERA, {
    ...ob2Issuer(COURSERA, "Coursera"),
    verificationMethod: [
      { id: `${COURSERA}#key-1`, type: "Multikey", publicKeyMultibase: honest.publicKeyMultibase },
    ],
  });
  await hosts.start();
});
afterAll(() => hosts.close());

const check = (input: VerifyInput): Promise<VerificationResult> =>
  verifyCredential(input, {
    now: NOW,
    fetch: hosts.fetcher(),
    expectedEmails: [EMAIL],
    knownIssuers: SEEDED_ISSUERS,
  });

const codes = (r: VerificationResult) => r.trust.reasons.map((x) => x.code);

/** Conformant (the verdict a conformance checker gives), yet not trusted, for the given reason. */
function expectForged(r: VerificationResult, code: string) {
  expect(r.reasons.filter((x) => x.severity === "error")).toEqual([]);
  expect(r.verdict).not.toBe("invalid");
  expect(r.recipientMatch).toBe(true);
  expect(r.trust.trusted).toBe(false);
  expect(codes(r)).toContain(code);
}

function expectTrusted(r: VerificationResult, domain: string) {
  expect(r.reasons.filter((x) => x.severity === "error")).toEqual([]);
  expect(r.trust.reasons).toEqual([]);
  expect(r.trust).toEqual({ trusted: true, issuerDomain: domain, reasons: [] });
}

describe("forged OB 3.0 VC-JWTs are conformant but not trusted", () => {
  it("a key carried only in the JWT header binds nothing", async () => {
    const token = await vcJwt(ob3(COURSERA, "Coursera"), forgerJwt, { jwk: forgerJwt.jwk });
    const r = await check(token);
    expectForged(r, "key.unbound");
    expect(r.trust.issuerDomain).toBeNull();
  });

  it("a kid URL on another origin binds nothing", async () => {
    const kid = `${EVIL}/jwks.json`;
    hosts.put(kid, { keys: [{ ...forgerJwt.jwk, kid }] });
    const token = await vcJwt(ob3(COURSERA, "Coursera"), forgerJwt, { kid });
    expectForged(await check(token), "key.unbound");
  });

  it("a kid naming a did:key signer binds nothing to a did:web issuer", async () => {
    const did = `did:key:${forger.publicKeyMultibase}`;
    const token = await vcJwtEd(
      ob3("did:web:www.coursera.org", "Coursera"),
      forger,
      `${did}#${forger.publicKeyMultibase}`,
    );
    expectForged(await check(token), "key.unbound");
  });

  it("a kid naming another did:web's key binds nothing", async () => {
    const did = "did:web:badges.evil.example";
    hosts.put(`${EVIL}/.well-known/did.json`, didDocument(did, `${did}#key-1`, forger));
    const token = await vcJwtEd(
      ob3("did:web:www.coursera.org", "Coursera"),
      forger,
      `${did}#key-1`,
    );
    expectForged(await check(token), "key.unbound");
  });
});

describe("forged Data Integrity proofs are conformant but not trusted", () => {
  it("a did:key verification method binds nothing to a did:web issuer", async () => {
    const did = `did:key:${forger.publicKeyMultibase}`;
    const doc = await signDi(
      ob3("did:web:www.coursera.org", "Coursera"),
      forger,
      `${did}#${forger.publicKeyMultibase}`,
      did,
    );
    expectForged(await check(doc), "key.unbound");
  });

  it("a key document on another origin binds nothing, whatever controller it names", async () => {
    const method = `${EVIL}/keys/1`;
    hosts.put(method, {
      "@context": "https://w3id.org/security/multikey/v1",
      id: method,
      type: "Multikey",
      controller: COURSERA,
      publicKeyMultibase: forger.publicKeyMultibase,
      assertionMethod: [method],
    });
    const doc = await signDi(ob3(COURSERA, "Coursera"), forger, method, COURSERA);
    expectForged(await check(doc), "key.unbound");
  });

  it("a key written into the issuer's URL fragment binds nothing", async () => {
    const method = `${COURSERA}#${forger.publicKeyMultibase}`;
    const doc = await signDi(ob3(COURSERA, "Coursera"), forger, method, COURSERA);
    expectForged(await check(doc), "key.unbound");
  });

  it("a did:web document whose id is another DID is refused outright", async () => {
    const did = "did:web:liar.evil.example";
    hosts.put(
      "https://liar.evil.example/.well-known/did.json",
      didDocument(did, `${did}#key-1`, forger, "did:web:www.coursera.org"),
    );
    const doc = await signDi(
      ob3("did:web:www.coursera.org", "Coursera"),
      forger,
      `${did}#key-1`,
      did,
    );
    const r = await check(doc);
    // the conformance check already refuses it; trust follows
    expect(r.reasons.map((x) => x.code)).toContain("key.unresolvable");
    expect(r.trust.trusted).toBe(false);
    expect(codes(r)).toContain("proof.failed");
  });

  it("a did:key issuer is anonymous: bound to its key, but no named issuer", async () => {
    const did = `did:key:${forger.publicKeyMultibase}`;
    const doc = await signDi(
      ob3(did, "Coursera"),
      forger,
      `${did}#${forger.publicKeyMultibase}`,
      did,
    );
    const r = await check(doc);
    expectForged(r, "issuer.anonymous");
    expect(codes(r)).toEqual(["issuer.anonymous"]);
    expect(r.trust.issuerDomain).toBeNull();
  });
});

describe("forged OB 2.0 badges are conformant but not trusted", () => {
  it("signed: an issuer profile served from another origin than its id is not the issuer's", async () => {
    const { privateKey, pem } = await rsaKey();
    const key = `${EVIL}/s1/key.json`;
    hosts.put(key, {
      "@context": "https://w3id.org/openbadges/v2",
      type: "CryptographicKey",
      id: key,
      owner: COURSERA,
      publicKeyPem: pem,
    });
    hosts.put(`${EVIL}/s1/issuer.json`, ob2Issuer(COURSERA, "Coursera", { publicKey: key }));
    hosts.put(`${EVIL}/s1/badge.json`, ob2Badge(`${EVIL}/s1/badge.json`, `${EVIL}/s1/issuer.json`));
    const assertion = ob2Assertion(`urn:uuid:${crypto.randomUUID()}`, `${EVIL}/s1/badge.json`, {
      type: "signed",
      creator: key,
    });
    const r = await check(await signOb2(assertion, privateKey));
    expectForged(r, "issuer.unproven");
    expect(r.trust.issuerDomain).toBeNull();
  });

  it("signed: a key published on another origin than the issuer's binds nothing", async () => {
    const { privateKey, pem } = await rsaKey();
    const issuer = `${EVIL}/s2/issuer.json`;
    const key = "https://cdn.keys.example/s2/key.json";
    hosts.put(key, {
      "@context": "https://w3id.org/openbadges/v2",
      type: "CryptographicKey",
      id: key,
      owner: issuer,
      publicKeyPem: pem,
    });
    hosts.put(issuer, ob2Issuer(issuer, "Evil Badges", { publicKey: key }));
    hosts.put(`${EVIL}/s2/badge.json`, ob2Badge(`${EVIL}/s2/badge.json`, issuer));
    const assertion = ob2Assertion(`urn:uuid:${crypto.randomUUID()}`, `${EVIL}/s2/badge.json`, {
      type: "signed",
      creator: key,
    });
    expectForged(await check(await signOb2(assertion, privateKey)), "key.unbound");
  });

  it("hosted: an issuer profile claiming Coursera's id, served by the forger, proves nothing", async () => {
    hosts.put(
      `${EVIL}/h1/issuer.json`,
      ob2Issuer(COURSERA, "Coursera", {
        verification: { allowedOrigins: ["badges.evil.example"] },
      }),
    );
    hosts.put(`${EVIL}/h1/badge.json`, ob2Badge(`${EVIL}/h1/badge.json`, `${EVIL}/h1/issuer.json`));
    const id = `${EVIL}/h1/assertion.json`;
    hosts.put(id, ob2Assertion(id, `${EVIL}/h1/badge.json`, { type: "hosted" }));
    expectForged(await check(id), "issuer.unproven");
  });

  it("hosted: an issuer written into the badge class, with its own allowed origins, proves nothing", async () => {
    const embedded = ob2Issuer(COURSERA, "Coursera", {
      verification: { allowedOrigins: ["badges.evil.example"] },
    });
    delete embedded["@context"];
    hosts.put(`${EVIL}/h2/badge.json`, ob2Badge(`${EVIL}/h2/badge.json`, embedded));
    const id = `${EVIL}/h2/assertion.json`;
    hosts.put(id, ob2Assertion(id, `${EVIL}/h2/badge.json`, { type: "hosted" }));
    expectForged(await check(id), "issuer.unproven");
  });

  it("Credly look-alike hosts are not Credly, and cannot borrow a known issuer's name", async () => {
    const base = "https://api.credly.com.evil.example/v1/obi/v2";
    const issuer = `${base}/issuers/1`;
    hosts.put(issuer, ob2Issuer(issuer, "Google Cloud"));
    hosts.put(`${base}/badges/1`, ob2Badge(`${base}/badges/1`, issuer));
    const id = `${base}/badge_assertions/1`;
    hosts.put(id, ob2Assertion(id, `${base}/badges/1`, { type: "hosted" }));
    const r = await check(id);
    expectForged(r, "issuer.lookalike");
    expect(codes(r)).toContain("issuer.name_mismatch");
  });
});

describe("issuer-name spoofing", () => {
  it("a well-bound badge from badges.example.net named Google is not shown as Google's", async () => {
    const did = "did:web:badges.example.net";
    hosts.put(
      "https://badges.example.net/.well-known/did.json",
      didDocument(did, `${did}#k`, forger),
    );
    const doc = await signDi(ob3(did, "Google"), forger, `${did}#k`, did);
    const r = await check(doc);
    expectForged(r, "issuer.name_mismatch");
    expect(r.trust.reasons[0]?.message).toContain("issued by badges.example.net");
  });

  it("an issuer name written as another domain is a mismatch", async () => {
    const issuer = `${EVIL}/n1/issuer.json`;
    hosts.put(issuer, ob2Issuer(issuer, "coursera.org"));
    hosts.put(`${EVIL}/n1/badge.json`, ob2Badge(`${EVIL}/n1/badge.json`, issuer));
    const id = `${EVIL}/n1/assertion.json`;
    hosts.put(id, ob2Assertion(id, `${EVIL}/n1/badge.json`, { type: "hosted" }));
    expectForged(await check(id), "issuer.name_mismatch");
  });
});

describe("honest badges of each kind are trusted", () => {
  it("OB 2.0 hosted at the issuer's origin", async () => {
    const issuer = `${HONEST}/ob2/issuer.json`;
    hosts.put(issuer, ob2Issuer(issuer, "Honest Academy"));
    hosts.put(`${HONEST}/ob2/badge.json`, ob2Badge(`${HONEST}/ob2/badge.json`, issuer));
    const id = `${HONEST}/ob2/assertion.json`;
    hosts.put(id, ob2Assertion(id, `${HONEST}/ob2/badge.json`, { type: "hosted" }));
    expectTrusted(await check(id), "badges.honest.example");
  });

  it("OB 2.0 hosted on an origin the issuer allows", async () => {
    const issuer = "https://www.honest.example/issuer.json";
    hosts.put(
      issuer,
      ob2Issuer(issuer, "Honest Academy", {
        verification: { allowedOrigins: ["cdn.honest-badges.example"] },
      }),
    );
    const cdn = "https://cdn.honest-badges.example";
    hosts.put(`${cdn}/badge.json`, ob2Badge(`${cdn}/badge.json`, issuer));
    const id = `${cdn}/assertion.json`;
    hosts.put(id, ob2Assertion(id, `${cdn}/badge.json`, { type: "hosted" }));
    expectTrusted(await check(id), "www.honest.example");
  });

  it("OB 2.0 signed with a key the issuer publishes at its origin", async () => {
    const { privateKey, pem } = await rsaKey();
    const issuer = `${HONEST}/signed/issuer.json`;
    const key = `${HONEST}/signed/key.json`;
    hosts.put(key, {
      "@context": "https://w3id.org/openbadges/v2",
      type: "CryptographicKey",
      id: key,
      owner: issuer,
      publicKeyPem: pem,
    });
    hosts.put(issuer, ob2Issuer(issuer, "Honest Academy", { publicKey: key }));
    hosts.put(`${HONEST}/signed/badge.json`, ob2Badge(`${HONEST}/signed/badge.json`, issuer));
    const assertion = ob2Assertion(
      `urn:uuid:${crypto.randomUUID()}`,
      `${HONEST}/signed/badge.json`,
      {
        type: "signed",
        creator: key,
      },
    );
    expectTrusted(await check(await signOb2(assertion, privateKey)), "badges.honest.example");
  });

  it("OB 3.0 VC-JWT with a kid URL at the issuer's origin", async () => {
    const issuer = `${HONEST}/jwt1/issuer`;
    const kid = `${HONEST}/jwt1/jwks.json`;
    hosts.put(kid, { keys: [{ ...honestJwt.jwk, kid }] });
    const token = await vcJwt(ob3(issuer, "Honest Academy"), honestJwt, { kid });
    expectTrusted(await check(token), "badges.honest.example");
  });

  it("OB 3.0 VC-JWT found through the issuer's jwks_uri, and a header key the issuer publishes", async () => {
    const issuer = `${HONEST}/jwt2/issuer`;
    hosts.put(issuer, {
      id: issuer,
      type: "Profile",
      name: "Honest Academy",
      jwks_uri: `${HONEST}/jwt2/jwks.json`,
    });
    hosts.put(`${HONEST}/jwt2/jwks.json`, { keys: [honestJwt.jwk] });
    const doc = ob3(issuer, "Honest Academy");
    expectTrusted(await check(await vcJwt(doc, honestJwt, {})), "badges.honest.example");
    expectTrusted(
      await check(await vcJwt(doc, honestJwt, { jwk: honestJwt.jwk })),
      "badges.honest.example",
    );
  });

  it("OB 3.0 VC-JWT with a kid on the issuer's did:web", async () => {
    const did = "did:web:jwt.honest.example";
    hosts.put(
      "https://jwt.honest.example/.well-known/did.json",
      didDocument(did, `${did}#key-1`, honest),
    );
    const token = await vcJwtEd(ob3(did, "Honest Academy"), honest, `${did}#key-1`);
    expectTrusted(await check(token), "jwt.honest.example");
  });

  it("OB 3.0 Data Integrity on the issuer's did:web", async () => {
    const did = "did:web:di.honest.example";
    hosts.put(
      "https://di.honest.example/.well-known/did.json",
      didDocument(did, `${did}#key-1`, honest),
    );
    const doc = await signDi(ob3(did, "Honest Academy"), honest, `${did}#key-1`, did);
    expectTrusted(await check(doc), "di.honest.example");
  });

  it("OB 3.0 Data Integrity with a key document at the issuer's origin", async () => {
    const issuer = `${HONEST}/di/issuer`;
    const method = `${HONEST}/di/keys/1`;
    hosts.put(method, {
      "@context": "https://w3id.org/security/multikey/v1",
      id: method,
      type: "Multikey",
      controller: issuer,
      publicKeyMultibase: honest.publicKeyMultibase,
    });
    hosts.put(issuer, {
      id: issuer,
      type: "Profile",
      name: "Honest Academy",
      assertionMethod: [method],
    });
    const doc = await signDi(ob3(issuer, "Honest Academy"), honest, method, issuer);
    expectTrusted(await check(doc), "badges.honest.example");
  });

  it("OB 3.0 Data Integrity with a fragment key the issuer's profile lists", async () => {
    // Coursera's profile lists this key (as #key-1); the proof names it by its multibase
    const method = `${COURSERA}#${honest.publicKeyMultibase}`;
    const doc = await signDi(ob3(COURSERA, "Coursera"), honest, method, COURSERA);
    expectTrusted(await check(doc), "www.coursera.org");
  });

  it("a Credly badge page resolves to Credly's own host, and a known issuer's name is fine there", async () => {
    const uuid = "0f0e2c39-2bb6-4d0a-9e3c-6c3c0c1a2b3c";
    const base = "https://api.credly.com/v1/obi/v2";
    const issuer = `${base}/issuers/google`;
    hosts.put(issuer, ob2Issuer(issuer, "Google Cloud"));
    hosts.put(`${base}/badges/1`, ob2Badge(`${base}/badges/1`, issuer));
    const id = `${base}/badge_assertions/${uuid}`;
    hosts.put(id, ob2Assertion(id, `${base}/badges/1`, { type: "hosted" }));
    expectTrusted(
      await check(`https://www.credly.com/badges/${uuid}/public_url`),
      "api.credly.com",
    );
  });
});

describe("redirects", () => {
  it("a hosted badge whose address redirects to another origin is not served by its issuer", async () => {
    const issuer = `${HONEST}/r1/issuer.json`;
    hosts.put(issuer, ob2Issuer(issuer, "Honest Academy"));
    hosts.put(`${HONEST}/r1/badge.json`, ob2Badge(`${HONEST}/r1/badge.json`, issuer));
    const id = `${HONEST}/r1/assertion.json`;
    // the issuer's own address forwards to a copy elsewhere: that copy is not the issuer's answer
    hosts.put(id, { body: null, redirect: `${EVIL}/r1/assertion.json` });
    hosts.put(
      `${EVIL}/r1/assertion.json`,
      ob2Assertion(id, `${HONEST}/r1/badge.json`, { type: "hosted" }),
    );
    const r = await check(id);
    expect(r.trust.trusted).toBe(false);
    expect(codes(r)).toContain("host.unbound");
  });
});
