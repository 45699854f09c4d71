import type { VerificationResult } from "./types.ts";

export interface ShowcaseCredential {
  name: string;
  issuerName?: string | null;
  /** ISO date-time the credential was issued. */
  issuedOn?: string | null;
  /** ISO date-time the credential expires. */
  expires?: string | null;
  /** Public URL where the credential can be verified. */
  url?: string | null;
  /** Credential id shown on the profile. */
  id?: string | null;
}

function yearMonth(iso: string | null | undefined): { year: number; month: number } | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
}

/** LinkedIn "Add to profile" link for a certification; empty fields are left out. */
export function linkedInAddToProfileUrl(c: ShowcaseCredential): string {
  const params = new URLSearchParams();
  params.set("startTask", "CERTIFICATION_NAME");
  params.set("name", c.name);
  if (c.issuerName) params.set("organizationName", c.issuerName);
  const issued = yearMonth(c.issuedOn);
  if (issued) {
    params.set("issueYear", String(issued.year));
    params.set("issueMonth", String(issued.month));
  }
  const expires = yearMonth(c.expires);
  if (expires) {
    params.set("expirationYear", String(expires.year));
    params.set("expirationMonth", String(expires.month));
  }
  if (c.url) params.set("certUrl", c.url);
  if (c.id) params.set("certId", c.id);
  // encode spaces as %20 so the link reads the same everywhere
  return `https://www.linkedin.com/profile/add?${params.toString().replace(/\+/g, "%20")}`;
}

/** How a result should be labelled in digests and reports. */
export function displayStatus(
  result: Pick<VerificationResult, "verdict" | "kind">,
): "verified" | "unverified" | "link_only" {
  if (result.kind === "link_only") return "link_only";
  if ((result.kind === "ob2" || result.kind === "ob3") && result.verdict !== "invalid")
    return "verified";
  return "unverified";
}
