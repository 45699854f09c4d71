import type { FetchBudget } from "./budget.ts";
import type { KnownIssuer } from "./trust.ts";

export type Verdict = "valid" | "warning" | "invalid";
export type Severity = "error" | "warning" | "info";
export type CredentialKind = "ob2" | "ob3" | "link_only" | "unknown";

/** Data a reason's wording carries: an address, a status, a library's own error text. */
export type ReasonValues = Record<string, string | number>;

export interface Reason {
  /** Stable machine-readable code; see REASON_CODES. */
  code: string;
  /** English wording, for operators (the CLI, logs) and reasons stored before they had a detail. */
  message: string;
  severity: Severity;
  /** Which wording of the code: the catalogue's `verify.reason.<code>.<detail>`. */
  detail?: string;
  values?: ReasonValues;
  /** The reason behind this one, worded into it as `why`. */
  cause?: Reason;
}

export interface IssuerInfo {
  name: string | null;
  id: string | null;
  url: string | null;
}

export interface VerificationResult {
  verdict: Verdict;
  reasons: Reason[];
  kind: CredentialKind;
  issuer: IssuerInfo | null;
  /** Badge / achievement name. */
  name: string | null;
  issuedOn: string | null;
  expires: string | null;
  recipientMatch: boolean | "not_checkable";
  evidenceUrl: string | null;
  /** URL the credential can be checked at, when it has one. */
  credentialUrl: string | null;
  /** The credential as received (JSON object, or the compact JWS/JWT text). */
  raw: unknown;
  /** Whether the issuer, not just someone, vouches for this badge; separate from the verdict. */
  trust: TrustResult;
}

export interface TrustResult {
  /** Conformant, bound to its issuer, and from an issuer identified by a domain. */
  trusted: boolean;
  /** The proven issuer domain (an https issuer's host, a did:web host); null when there is none. */
  issuerDomain: string | null;
  /** Why the badge is not trusted (codes such as key.unbound, issuer.anonymous); empty when it is. */
  reasons: Reason[];
}

export interface FetchedResource {
  /** URL that was asked for. */
  url: string;
  /** URL after redirects. */
  finalUrl: string;
  status: number;
  contentType: string;
  body: Uint8Array;
}

export interface FetchOptions {
  /** Accept header value. */
  accept?: string;
  /** Stops the request when the verification it belongs to is stopped. */
  signal?: AbortSignal;
}

/**
 * Fetches a URL. Must reject (throw) when the resource cannot be reached; HTTP error
 * statuses are returned, not thrown, so callers can tell 404 from 410.
 */
export type Fetcher = (url: string, options?: FetchOptions) => Promise<FetchedResource>;

export interface VerifyOptions {
  /** Email addresses of the person claiming the credential. */
  expectedEmails?: readonly string[];
  /**
   * Ids of the badges the person's own Credly profile lists: an assertion Credly serves at its
   * own address with one of these ids is theirs, whatever address it was issued to.
   */
  credlyBadges?: readonly string[];
  /** Clock; defaults to the current time. */
  now?: Date;
  /** Network access; defaults to a safe fetcher (public addresses only). */
  fetch?: Fetcher;
  /** Organisations and the domains they issue from; a badge claiming one from elsewhere is not trusted. */
  knownIssuers?: readonly KnownIssuer[];
  /** Stops the check (a job's timeout); what was fetched so far is not waited for. */
  signal?: AbortSignal;
  /** Limits on what one check may fetch; defaults to DEFAULT_BUDGET. */
  budget?: Partial<FetchBudget>;
}

export type VerifyInput = string | Uint8Array | Record<string, unknown>;
