import type { Reason, Severity, Verdict } from "./types.ts";

/** Reason codes are stable: stored with completions and shown to users by code. */
export const REASON_CODES = {
  inputUnreadable: "input.unreadable",
  inputUnsupported: "input.unsupported",
  bakedMissing: "input.baked_missing",
  fetchFailed: "fetch.failed",
  fetchRefused: "fetch.refused",
  linkOnly: "link_only",
  credlyResolved: "credly.resolved",

  contextInvalid: "context.invalid",
  contextOutdated: "context.outdated",
  jsonLdInvalid: "jsonld.invalid",
  typeInvalid: "type.invalid",
  propertyMissing: "property.missing",
  propertyInvalid: "property.invalid",
  idMismatch: "id.mismatch",
  dataUriImage: "image.data_uri",

  issuedInFuture: "time.not_yet_valid",
  expired: "time.expired",
  expiresBeforeIssued: "time.expires_before_issued",

  recipientMatch: "recipient.match",
  recipientMismatch: "recipient.mismatch",
  recipientCredlyEarner: "recipient.credly_earner",
  recipientNotCheckable: "recipient.not_checkable",

  hostedRevoked: "revoked",
  hostedUnreachable: "hosted.unreachable",
  hostedMismatch: "hosted.mismatch",
  verificationPolicy: "verification.policy",
  verificationPolicyUncheckable: "verification.policy_uncheckable",
  revocationListUnreachable: "status.unreachable",
  statusSuspended: "status.suspended",
  statusUnsupported: "status.unsupported",

  signatureInvalid: "signature.invalid",
  signatureValid: "signature.valid",
  keyUnresolvable: "key.unresolvable",
  keyNotAuthorized: "key.not_authorized",
  proofMissing: "proof.missing",
  proofUnsupported: "proof.unsupported",
  proofLegacy: "proof.legacy",
  jwtClaimMismatch: "jwt.claim_mismatch",

  extensionInvalid: "extension.invalid",
  extensionUnchecked: "extension.unchecked",
  endorsementInvalid: "endorsement.invalid",
  endorsementSkipped: "endorsement.skipped",
  endorsementFlood: "endorsement.flood",
  budgetExceeded: "fetch.budget_exceeded",
  schemaUnchecked: "schema.unchecked",
} as const;

export type ReasonCode = (typeof REASON_CODES)[keyof typeof REASON_CODES];

export class Reasons {
  readonly list: Reason[] = [];

  add(code: ReasonCode, severity: Severity, message: string): void {
    this.list.push({ code, severity, message });
  }
  error(code: ReasonCode, message: string): void {
    this.add(code, "error", message);
  }
  warn(code: ReasonCode, message: string): void {
    this.add(code, "warning", message);
  }
  info(code: ReasonCode, message: string): void {
    this.add(code, "info", message);
  }
  get hasErrors(): boolean {
    return this.list.some((r) => r.severity === "error");
  }
}

export function verdictOf(reasons: readonly Reason[]): Verdict {
  if (reasons.some((r) => r.severity === "error")) return "invalid";
  if (reasons.some((r) => r.severity === "warning")) return "warning";
  return "valid";
}
