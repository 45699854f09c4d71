import { translator } from "../../i18n/index.ts";
import type { Reason, ReasonValues, Severity, Verdict } from "./types.ts";

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

/**
 * What a reason says, as a catalogue key's last part and its values: `verify.reason.<code>.<detail>`.
 * The messages layer words it in the owner's language; `message` keeps the English for operators.
 */
export interface ReasonText {
  detail: string;
  values?: ReasonValues;
  /** The reason behind this one (an endorsement's own failure), worded as its `why`. */
  cause?: Reason;
}

/** The catalogue key a reason is worded by. */
export const reasonKey = (code: string, detail: string): string =>
  `verify.reason.${code}.${detail}`;

/** A reason with its wording in the catalogue; `message` is its English, for the CLI and logs. */
export function reasonOf(code: string, severity: Severity, text: ReasonText): Reason {
  const values = text.values ?? {};
  const said = text.cause ? { ...values, why: text.cause.message } : values;
  const message = translator("en").lookup(reasonKey(code, text.detail), said);
  if (message === undefined) throw new Error(`no wording for reason ${code}.${text.detail}`);
  const reason: Reason = { code, severity, message, detail: text.detail, values };
  return text.cause ? { ...reason, cause: text.cause } : reason;
}

/** A check's reasons; each is worded by the catalogue, never by the check. */
export class Reasons {
  readonly list: Reason[] = [];

  add(code: ReasonCode, severity: Severity, text: ReasonText): void {
    this.list.push(reasonOf(code, severity, text));
  }
  error(code: ReasonCode, text: ReasonText): void {
    this.add(code, "error", text);
  }
  warn(code: ReasonCode, text: ReasonText): void {
    this.add(code, "warning", text);
  }
  info(code: ReasonCode, text: ReasonText): void {
    this.add(code, "info", text);
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
