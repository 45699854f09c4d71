import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database, VerificationStatus } from "../../db/types.ts";
import type { JobQueue } from "../../ports.ts";
import { REASON_CODES as C } from "./reasons.ts";
import type { CompletionRecord } from "./repository.ts";
import { VerificationRepository } from "./repository.ts";
import type { ShowcaseCredential } from "./showcase.ts";
import type { VerificationResult } from "./types.ts";

/** Job names; the verification job module runs them. */
export const VERIFY_JOB = "verification.verify";
export const EXPIRY_JOB = "verification.expiry";
export const REVOCATION_JOB = "verification.revocation";

// Errors that say nothing about the credential, only that it could not be reached.
const UNREACHABLE = new Set<string>([C.fetchFailed, C.fetchRefused]);

const errorsOf = (result: Pick<VerificationResult, "reasons">) =>
  result.reasons.filter((r) => r.severity === "error");

/** True when checking failed only because the badge could not be loaded; worth trying again. */
export function isTransientFailure(result: Pick<VerificationResult, "reasons">): boolean {
  const errors = errorsOf(result);
  return errors.length > 0 && errors.every((r) => r.code === C.fetchFailed);
}

/** True when the issuer has withdrawn the credential. */
export function isRevoked(result: Pick<VerificationResult, "reasons">): boolean {
  return result.reasons.some((r) => r.code === C.hostedRevoked);
}

/** The status stored on a completion for a verification result. */
export function statusOf(
  result: Pick<VerificationResult, "verdict" | "kind" | "reasons">,
): VerificationStatus {
  if (result.kind === "link_only") return "link_only";
  if (result.kind === "unknown" && result.verdict !== "invalid") return "unverified";
  if (result.verdict === "valid") return "verified";
  if (result.verdict === "warning") return "warning";
  const errors = errorsOf(result);
  // an unreachable link proves nothing either way: it stays unverified rather than "invalid"
  if (errors.length > 0 && errors.every((r) => UNREACHABLE.has(r.code))) return "unverified";
  return "invalid";
}

/** How a completion is labelled wherever credentials are listed. */
export function statusLabel(status: VerificationStatus, revoked = false): string {
  if (revoked) return "unverified (revoked by the issuer)";
  switch (status) {
    case "verified":
    case "warning":
      return "✓ verified";
    case "link_only":
      return "link only";
    case "pending":
      return "unverified (checking…)";
    default:
      return "unverified";
  }
}

/**
 * Marks a goal's completion as pending and queues its check. Returns the status to show;
 * "unverified" when there is nothing to check or the queue refused the job.
 */
export async function requestVerification(
  db: Kysely<Database>,
  jobs: JobQueue,
  goalId: number,
): Promise<VerificationStatus> {
  const repo = new VerificationRepository(db);
  const completion = await repo.findByGoal(goalId);
  if (!completion?.evidenceUrl) return "unverified";
  await repo.setStatus(completion.completionId, "pending");
  try {
    await jobs.enqueue(
      VERIFY_JOB,
      { completionId: completion.completionId },
      { id: `verify-${completion.completionId}` },
    );
    return "pending";
  } catch {
    // the goal is complete either way; a pending status nobody will resolve would be a lie
    await repo.setStatus(completion.completionId, "unverified");
    return "unverified";
  }
}

/** Largest badge file accepted, as for fetched badges. */
export const MAX_BADGE_FILE_BYTES = 1_000_000;

/** Job data for a badge check; a shared file's bytes travel with the job, base64-encoded. */
export interface VerifyJobData {
  completionId: number;
  file?: string;
}

/**
 * Attaches a badge file (baked PNG / SVG, JSON or JWT) a person shared to their latest completion
 * that is not verified yet, and queues its check. Null when there is no such completion.
 */
export async function attachBadgeFile(
  db: Kysely<Database>,
  jobs: JobQueue,
  userId: number,
  file: Uint8Array,
): Promise<{ goalTitle: string; status: VerificationStatus } | null> {
  if (file.byteLength === 0 || file.byteLength > MAX_BADGE_FILE_BYTES) return null;
  const repo = new VerificationRepository(db);
  const candidates = (await repo.completedForUser(userId)).filter(
    (c) => c.status !== "verified" && c.status !== "warning" && c.status !== "pending",
  );
  const target = candidates.at(-1);
  if (!target) return null;
  await repo.setStatus(target.completionId, "pending");
  const digest = createHash("sha256").update(file).digest("hex").slice(0, 16);
  const data: VerifyJobData = {
    completionId: target.completionId,
    file: Buffer.from(file).toString("base64"),
  };
  try {
    await jobs.enqueue(VERIFY_JOB, { ...data }, { id: `verify-${target.completionId}-${digest}` });
    return { goalTitle: target.goalTitle, status: "pending" };
  } catch {
    await repo.setStatus(target.completionId, target.status);
    return { goalTitle: target.goalTitle, status: target.status };
  }
}

/**
 * What the showcase and LinkedIn link say about a completion. Only a verified credential's own
 * name, issuer and dates are trusted; an invalid one's link is not offered to anyone.
 */
export function showcaseCredential(record: CompletionRecord): ShowcaseCredential {
  const trusted =
    record.revokedAt === null && (record.status === "verified" || record.status === "warning");
  return {
    name: (trusted ? record.achievementName : null) ?? record.goalTitle,
    issuerName: (trusted ? record.issuerName : null) ?? record.provider,
    issuedOn: ((trusted ? record.issuedOn : null) ?? record.completedAt).toISOString(),
    expires: trusted ? (record.expiresAt?.toISOString() ?? null) : null,
    url: record.status === "invalid" || record.revokedAt !== null ? null : record.evidenceUrl,
    id: null,
  };
}
