import { type ReasonText, reasonOf } from "./reasons.ts";
import type { FetchedResource, Reason, TrustResult, VerificationResult } from "./types.ts";

/** Trust reason codes: why a conformant badge is still not shown as coming from its issuer. */
export const TRUST_CODES = {
  /** The badge fails its conformance checks, so nothing in it is proven. */
  proofFailed: "proof.failed",
  /** Nothing was checked that ties the badge to an issuer (no proof, not hosted). */
  proofMissing: "proof.missing",
  /** The signing key is not published by the issuer (header key, key on another origin or DID). */
  keyUnbound: "key.unbound",
  /** A hosted badge is served from an origin its issuer does not allow. */
  hostUnbound: "host.unbound",
  /** The issuer profile was not served from the issuer's own address. */
  issuerUnproven: "issuer.unproven",
  /** A DID document's id is not the issuer. */
  issuerDidMismatch: "issuer.did_mismatch",
  /** The issuer has no name a person can check (did:key, urn:, …). */
  issuerAnonymous: "issuer.anonymous",
  /** The issuer's name claims an organisation the proven domain does not belong to. */
  issuerNameMismatch: "issuer.name_mismatch",
  /** The issuer's host imitates a well-known badge host (e.g. Credly) without being it. */
  issuerLookalike: "issuer.lookalike",
} as const;

export type TrustCode = (typeof TRUST_CODES)[keyof typeof TRUST_CODES];

/** An organisation and the domains it really issues badges from. */
export interface KnownIssuer {
  name: string;
  domains: readonly string[];
}

/** Credly's own hosts; only assertions served there count as Credly-issued. */
export const CREDLY_DOMAIN = "credly.com";

const CREDLY_ASSERTION =
  /^https:\/\/api\.credly\.com\/v1\/obi\/v2\/badge_assertions\/([0-9a-fA-F-]{36})$/;

/** The Credly badge id of an assertion Credly serves at its own address, else null. */
export function credlyBadgeId(assertionId: string): string | null {
  return CREDLY_ASSERTION.exec(assertionId)?.[1]?.toLowerCase() ?? null;
}

/**
 * What the verifiers found about how the badge is tied to its issuer. Every proof (or the hosting)
 * records one entry; the badge is bound only when every entry is bound and there is at least one.
 */
export class TrustEvidence {
  readonly entries: { bound: boolean; reason?: Reason }[] = [];

  bound(): void {
    this.entries.push({ bound: true });
  }
  unbound(reason: Reason): void {
    this.entries.push({ bound: false, reason });
  }
}

/** Why a badge is not trusted, worded by the catalogue (`verify.reason.<code>.<detail>`). */
export function trustReason(code: TrustCode, text: ReasonText): Reason {
  return reasonOf(code, "error", text);
}

export function originOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    if (u.protocol !== "https:" && u.protocol !== "http:") return null;
    return u.origin.toLowerCase();
  } catch {
    return null;
  }
}

export function hostOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase().replace(/\.$/, "") || null;
  } catch {
    return null;
  }
}

/** True when the document was asked for at `origin` and, after redirects, came from there. */
export function servedFrom(resource: Pick<FetchedResource, "url" | "finalUrl">, origin: string) {
  return originOf(resource.url) === origin && originOf(resource.finalUrl) === origin;
}

/** did:web:host[%3Aport][:path] -> host (lower case, port dropped), else null. */
export function didWebHost(did: string): string | null {
  const m = /^did:web:([^:#?]+)/.exec(did);
  if (!m?.[1]) return null;
  const host = decodeURIComponent(m[1]).toLowerCase().replace(/:\d+$/, "");
  return /^[a-z0-9.-]+$/.test(host) ? host : null;
}

/** The domain a person can check an issuer id by: an http(s) host or a did:web host. */
export function issuerDomainOf(issuerId: string | null): string | null {
  if (!issuerId) return null;
  if (/^https?:\/\//i.test(issuerId)) return hostOf(issuerId);
  if (issuerId.startsWith("did:web:")) return didWebHost(issuerId);
  return null;
}

/** True when `host` is `domain` or one of its subdomains. */
export function withinDomain(host: string, domain: string): boolean {
  const d = domain.toLowerCase().replace(/^\.+|\.+$/g, "");
  return d.length > 0 && (host === d || host.endsWith(`.${d}`));
}

const STOP_WORDS = new Set([
  "the",
  "inc",
  "ltd",
  "llc",
  "gmbh",
  "corp",
  "corporation",
  "company",
  "co",
  "and",
  "of",
  "for",
  "online",
  "academy",
  "learning",
  "university",
  "certificates",
  "career",
  "badges",
]);

/** Distinctive words of an organisation name ("Google Career Certificates" -> ["google"]). */
export function nameWords(name: string): string[] {
  return (name.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter(
    (w) => w.length >= 3 && !STOP_WORDS.has(w),
  );
}

/** The known issuer a self-asserted name claims to be, when it claims one. */
export function claimedIssuer(name: string, known: readonly KnownIssuer[]): KnownIssuer | null {
  const words = new Set(nameWords(name));
  if (words.size === 0) return null;
  for (const k of known) {
    const kw = nameWords(k.name);
    if (kw.length > 0 && kw.every((w) => words.has(w))) return k;
  }
  return null;
}

function nameMismatch(name: string, domain: string, known: readonly KnownIssuer[]): Reason | null {
  // a name written as a domain must be that domain (or a parent of it)
  for (const d of name.toLowerCase().match(/[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/g) ?? []) {
    if (!withinDomain(domain, d)) {
      return trustReason(TRUST_CODES.issuerNameMismatch, {
        detail: "names_domain",
        values: { name, named: d, domain },
      });
    }
  }
  const claimed = claimedIssuer(name, known);
  if (claimed && !claimed.domains.some((d) => withinDomain(domain, d))) {
    return trustReason(TRUST_CODES.issuerNameMismatch, {
      detail: "claims_known",
      values: { name, claimed: claimed.name, domains: claimed.domains.join(", "), domain },
    });
  }
  return null;
}

function looksLikeCredly(host: string): boolean {
  return !withinDomain(host, CREDLY_DOMAIN) && /cred[il1]y|credl[il1]y/i.test(host);
}

/**
 * The trust result of a checked badge: conformant, bound to its issuer by what was fetched, and
 * from an issuer identified by a domain its name does not contradict.
 */
export function assessTrust(
  result: Pick<VerificationResult, "verdict" | "kind" | "issuer">,
  evidence: TrustEvidence,
  known: readonly KnownIssuer[] = [],
): TrustResult {
  const reasons: Reason[] = [];
  const issuerId = result.issuer?.id ?? null;
  const claimedDomain = issuerDomainOf(issuerId);
  if (result.kind !== "ob2" && result.kind !== "ob3") {
    reasons.push(trustReason(TRUST_CODES.proofMissing, { detail: "not_open_badge" }));
  } else if (result.verdict === "invalid") {
    reasons.push(trustReason(TRUST_CODES.proofFailed, { detail: "checks" }));
  }
  if (evidence.entries.length === 0 && reasons.length === 0) {
    reasons.push(trustReason(TRUST_CODES.keyUnbound, { detail: "nothing" }));
  }
  for (const e of evidence.entries) {
    const r = e.reason;
    if (r && !reasons.some((known) => known.message === r.message)) reasons.push(r);
  }
  // a domain is proven only by a conformant badge every proof of which binds to the issuer
  const bound = reasons.length === 0;
  const issuerDomain = bound ? claimedDomain : null;
  if (!claimedDomain) {
    reasons.push(
      trustReason(
        TRUST_CODES.issuerAnonymous,
        issuerId ? { detail: "no_domain", values: { issuer: issuerId } } : { detail: "no_issuer" },
      ),
    );
  } else if (issuerDomain) {
    if (looksLikeCredly(issuerDomain)) {
      reasons.push(
        trustReason(TRUST_CODES.issuerLookalike, {
          detail: "credly",
          values: { domain: issuerDomain },
        }),
      );
    }
    const name = result.issuer?.name;
    const mismatch = name ? nameMismatch(name, issuerDomain, known) : null;
    if (mismatch) reasons.push(mismatch);
  }
  return { trusted: reasons.length === 0, issuerDomain, reasons };
}
