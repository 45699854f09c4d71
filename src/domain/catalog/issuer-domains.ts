import { getDomain } from "tldts";
import type { KnownIssuer } from "../verification/trust.ts";

/**
 * The domains each seeded provider really issues badges and certificates from. Several issue
 * through Credly, so a Credly-hosted badge can be theirs; admins add more in the catalog import.
 */
export const PROVIDER_ISSUER_DOMAINS: Readonly<Record<string, readonly string[]>> = {
  Coursera: ["coursera.org"],
  edX: ["edx.org"],
  "LinkedIn Learning": ["linkedin.com"],
  "Google Career Certificates": ["google.com", "grow.google", "credly.com"],
  "IBM SkillsBuild": ["skillsbuild.org", "ibm.com", "credly.com"],
  FutureLearn: ["futurelearn.com"],
  Microsoft: ["microsoft.com", "credly.com"],
  Meta: ["facebookblueprint.com", "meta.com", "credly.com"],
  "HubSpot Academy": ["hubspot.com"],
  PMI: ["pmi.org", "credly.com"],
  Zendesk: ["zendesk.com"],
  "Wharton Online": ["upenn.edu"],
  "Vanderbilt University": ["vanderbilt.edu"],
};

/** The seeded providers as known issuers, for checks that run without a database. */
export const SEEDED_ISSUERS: readonly KnownIssuer[] = Object.entries(PROVIDER_ISSUER_DOMAINS).map(
  ([name, domains]) => ({ name, domains }),
);

/** A domain as stored: lower case, no scheme, path, port or surrounding dots; null if it is none. */
export function normaliseDomain(raw: string): string | null {
  let d = raw.trim().toLowerCase();
  d = d
    .replace(/^[a-z]+:\/\//, "")
    .replace(/[/?#].*$/, "")
    .replace(/:\d+$/, "");
  d = d.replace(/^\.+|\.+$/g, "");
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d) ? d : null;
}

/**
 * True when `domain` is shared by unrelated sites — a public suffix (com, co.uk, github.io) or an
 * address — so it can't say who issued a badge.
 */
export function isSharedSuffix(domain: string): boolean {
  return getDomain(domain, { allowPrivateDomains: true }) === null;
}
