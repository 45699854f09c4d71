import { randomUUID } from "node:crypto";
import { type Kysely, sql } from "kysely";
import type { Database, VerificationStatus } from "../../db/types.ts";
import type { JobQueue } from "../../ports.ts";
import type { CompletionDecision } from "./completion.ts";
import { REASON_CODES as C } from "./reasons.ts";
import type { CompletionRecord } from "./repository.ts";
import { VerificationRepository } from "./repository.ts";
import type { ShowcaseCredential } from "./showcase.ts";
import type { VerificationResult } from "./types.ts";

/** Job names; the verification job module runs them. */
export const VERIFY_JOB = "verification.verify";
export const EXPIRY_JOB = "verification.expiry";
export const REVOCATION_JOB = "verification.revocation";
export const TRUST_RECHECK_JOB = "verification.trust-recheck";
export const LOST_CHECKS_JOB = "verification.lost-checks";

/** A check still pending this long after it was queued was lost (a crash, a Redis restart). */
export const LOST_CHECK_AFTER_MS = 30 * 60_000;

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

/**
 * The status stored on a completion for a verification result. With a decision, a badge that
 * passes its checks but is not trusted, not this person's or not for this goal stays unverified.
 */
export function statusOf(
  result: Pick<VerificationResult, "verdict" | "kind" | "reasons">,
  decision?: Pick<CompletionDecision, "verified">,
): VerificationStatus {
  const status = conformanceStatus(result);
  if (decision && !decision.verified && (status === "verified" || status === "warning")) {
    return "unverified";
  }
  return status;
}

function conformanceStatus(
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

/** What others see of a completion's verification (reports, digests, leaderboards, CSV). */
export interface ShownVerification {
  status: VerificationStatus;
  revoked: boolean;
  /** Null: not checked under the trust rules yet (completions verified before them). */
  trusted: boolean | null;
  /** The proven issuer domain of a trusted badge. */
  issuerDomain: string | null;
  /** The badge is conformant but its issuer has no checkable domain (did:key, urn:). */
  anonymous?: boolean;
}

/** ✓ for others: a verified badge, trusted under the trust rules and not revoked since. */
export function shownVerified(c: ShownVerification): boolean {
  return !c.revoked && c.trusted === true && (c.status === "verified" || c.status === "warning");
}

/**
 * How a completion is labelled wherever others see it, as a state the messages put in words:
 * "verifiedBy" a trusted badge with a proven issuer domain ("verified" without one), "revoked",
 * "rechecking" for a verified one not yet checked under the trust rules (it shows no ✓),
 * "anonymous" for a badge whose issuer has no domain, else the plain status.
 */
export type ShownState =
  | "verifiedBy"
  | "verified"
  | "revoked"
  | "rechecking"
  | "anonymous"
  | "link_only"
  | "pending"
  | "unverified";

export function shownState(c: ShownVerification): ShownState {
  if (c.revoked) return "revoked";
  if (shownVerified(c)) return c.issuerDomain ? "verifiedBy" : "verified";
  if (c.status === "verified" || c.status === "warning") return "rechecking";
  if (c.anonymous && c.status === "unverified") return "anonymous";
  if (c.status === "link_only" || c.status === "pending") return c.status;
  return "unverified";
}

/**
 * Marks a goal's completion as pending and queues its check. Returns the status to show;
 * "unverified" when there is nothing to check or the queue refused the job.
 */
export async function requestVerification(
  db: Kysely<Database>,
  jobs: JobQueue,
  goalId: number,
  now?: Date,
): Promise<VerificationStatus> {
  const repo = new VerificationRepository(db);
  const completion = await repo.findByGoal(goalId);
  if (!completion?.evidenceUrl) return "unverified";
  const status = await queueCheck(repo, jobs, completion, now);
  // the goal is complete either way; a pending status nobody will resolve would be a lie
  return status === "pending" ? "pending" : "unverified";
}

/**
 * The person confirms that the badge checked for a free-text goal is what the goal was about; the
 * badge is checked again and shows as verified (under its own name) if the rest holds. `goalText`
 * picks the goal by its title's start or words; null when no completion waits for a confirmation.
 */
export async function confirmBadge(
  db: Kysely<Database>,
  jobs: JobQueue,
  userId: number,
  goalText: string,
  at: Date,
): Promise<{ goalTitle: string; badgeName: string | null; status: VerificationStatus } | null> {
  const repo = new VerificationRepository(db);
  const wanted = goalText.trim().toLowerCase();
  const waiting = (await repo.completedForUser(userId)).filter(
    (c) =>
      c.credentialTitle === null &&
      c.badgeConfirmedAt === null &&
      c.trusted === true &&
      c.status === "unverified" &&
      (c.evidenceUrl !== null || c.rawCredential !== null),
  );
  const target =
    waiting.findLast((c) => c.goalTitle.toLowerCase() === wanted) ??
    waiting.findLast((c) => wanted.length > 0 && c.goalTitle.toLowerCase().startsWith(wanted)) ??
    (wanted.length === 0 && waiting.length === 1 ? waiting[0] : undefined);
  if (!target) return null;
  await repo.confirmBadge(target.completionId, at);
  const status = await queueCheck(repo, jobs, target, at);
  return { goalTitle: target.goalTitle, badgeName: target.achievementName, status };
}

/** `now` stamps when it was queued (the app's clock, as the lost-check sweep reads it). */
async function queueCheck(
  repo: VerificationRepository,
  jobs: JobQueue,
  record: CompletionRecord,
  now?: Date,
): Promise<VerificationStatus> {
  await repo.setStatus(record.completionId, "pending", now);
  const shareId = randomUUID();
  try {
    // a fresh job id: a finished check of the same completion must not swallow this one
    await jobs.enqueue(
      VERIFY_JOB,
      { completionId: record.completionId, shareId },
      { id: `verify-${record.completionId}-${shareId}` },
    );
    return "pending";
  } catch {
    await repo.setStatus(record.completionId, record.status);
    return record.status;
  }
}

/**
 * Queues again the checks of completions pending since before `now - olderThanMs`, each under a
 * fresh id so its answer reaches the person. Returns how many were queued.
 */
export async function requeueLostChecks(
  db: Kysely<Database>,
  jobs: JobQueue,
  now: Date,
  olderThanMs = LOST_CHECK_AFTER_MS,
  batch = 100,
): Promise<number> {
  const repo = new VerificationRepository(db);
  let queued = 0;
  const before = new Date(now.getTime() - olderThanMs);
  for (const completionId of await repo.lostChecks(before, batch, now)) {
    const shareId = randomUUID();
    await jobs.enqueue(
      VERIFY_JOB,
      { completionId, shareId },
      { id: `verify-${completionId}-${shareId}` },
    );
    // stamped after queueing: a failed enqueue leaves it for the next sweep
    await repo.setStatus(completionId, "pending", now);
    queued++;
  }
  return queued;
}

/** Badge files one person may have checked a minute; more waits, nothing is stored. */
export const CHECKS_PER_MINUTE = 3;

/** Largest badge file accepted, as for fetched badges. */
export const MAX_BADGE_FILE_BYTES = 1_000_000;

/** Job data for a badge check; a shared file's bytes travel with the job, base64-encoded. */
export interface VerifyJobData {
  completionId: number;
  /** One per time the person shared or confirmed: its result is told once, retries or not. */
  shareId?: string;
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
  now: Date = new Date(),
): Promise<{ goalTitle: string; status: VerificationStatus } | "limited" | null> {
  if (file.byteLength === 0 || file.byteLength > MAX_BADGE_FILE_BYTES) return null;
  // counted and marked under a per-person lock, so two files at once cannot both take the last check
  const target = await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('verification:file'), ${userId})`.execute(trx);
    const repo = new VerificationRepository(trx);
    const since = new Date(now.getTime() - 60_000);
    if ((await repo.checksQueuedSince(userId, since)) >= CHECKS_PER_MINUTE) return "limited";
    const candidates = (await repo.completedForUser(userId)).filter(
      (c) => c.status !== "verified" && c.status !== "warning" && c.status !== "pending",
    );
    const found = candidates.at(-1);
    if (!found) return null;
    await repo.setStatus(found.completionId, "pending", now);
    // kept until checked, so a check lost from the queue can still run
    await repo.keepBadgeFile(found.completionId, file);
    return found;
  });
  if (target === "limited" || target === null) return target;
  const repo = new VerificationRepository(db);
  const shareId = randomUUID();
  const data: VerifyJobData = {
    completionId: target.completionId,
    shareId,
    file: Buffer.from(file).toString("base64"),
  };
  try {
    // a fresh id per share: sharing the same file again checks it again
    await jobs.enqueue(VERIFY_JOB, { ...data }, { id: `verify-${target.completionId}-${shareId}` });
    return { goalTitle: target.goalTitle, status: "pending" };
  } catch {
    await repo.setStatus(target.completionId, target.status);
    return { goalTitle: target.goalTitle, status: target.status };
  }
}

/** A completion record as others see its verification. */
export function shownOf(record: CompletionRecord): ShownVerification {
  return {
    status: record.status,
    revoked: record.revokedAt !== null,
    trusted: record.trusted,
    issuerDomain: record.issuerDomain,
  };
}

/**
 * The issuer a verified completion is shown under: the catalog provider when the badge matched its
 * credential (the provider's domains proved it), else the proven domain, never a self-asserted name.
 */
export function provenIssuer(record: CompletionRecord): string | null {
  if (record.matchesCredential && record.credentialTitle && record.provider) return record.provider;
  return record.issuerDomain;
}

/**
 * What the showcase and LinkedIn link say about a completion. Only a verified credential's own
 * name, proven issuer and dates are shown; an unverified one is the goal as the person typed it,
 * and an invalid one's link is not offered to anyone.
 */
export function showcaseCredential(record: CompletionRecord): ShowcaseCredential {
  const trusted = shownVerified(shownOf(record));
  return {
    name: (trusted ? record.achievementName : null) ?? record.goalTitle,
    issuerName: (trusted ? provenIssuer(record) : null) ?? record.provider,
    issuedOn: ((trusted ? record.issuedOn : null) ?? record.completedAt).toISOString(),
    expires: trusted ? (record.expiresAt?.toISOString() ?? null) : null,
    url: record.status === "invalid" || record.revokedAt !== null ? null : record.evidenceUrl,
    id: null,
  };
}
