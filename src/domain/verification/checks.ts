import { createHash, randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database, VerificationStatus } from "../../db/types.ts";
import type { Logger } from "../../log.ts";
import { countDelivery } from "../../metrics.ts";
import type { Messenger } from "../../ports.ts";
import type { Clock } from "../../time/clock.ts";
import { type CompletionDecision, decideCompletion } from "./completion.ts";
import { verifyCredential } from "./index.ts";
import { REASON_CODES } from "./reasons.ts";
import {
  type CompletionRecord,
  type DeliveryKind,
  goalCredentialOf,
  VerificationRepository,
} from "./repository.ts";
import { isRevoked, isTransientFailure, statusOf } from "./service.ts";
import type { Fetcher, VerificationResult, VerifyInput } from "./types.ts";

const DAY_MS = 86_400_000;
const DEFAULT_TIMEOUT_MS = 30_000;
/** Reminder stages, most urgent first: days before expiry. */
const REMINDER_DAYS = [7, 30] as const;

type Outgoing = Parameters<Messenger["send"]>[1];

/** How the checks word what they send (src/messages/verification.ts): rules here, words there. */
export interface VerificationWording {
  result(
    record: CompletionRecord,
    result: VerificationResult,
    status: VerificationStatus,
    decision: CompletionDecision | null,
  ): Outgoing;
  expiryReminder(record: CompletionRecord, daysLeft: number): Outgoing;
  revoked(record: CompletionRecord, result: VerificationResult): Outgoing;
  trustWithdrawn(
    record: CompletionRecord,
    result: VerificationResult,
    decision: CompletionDecision,
  ): Outgoing;
  /** A shared badge file was lost before it could be checked: ask for it again. */
  badgeLost(record: CompletionRecord): Outgoing;
}

/**
 * What the badge checks need: the database, a clock, a way to message people and the words for
 * it, and the network.
 */
export interface VerificationDeps {
  db: Kysely<Database>;
  clock: Clock;
  messenger: Messenger;
  wording: VerificationWording;
  logger: Logger;
  fetch: Fetcher;
  /** Longest one check may take before the attempt fails and is retried. */
  timeoutMs?: number;
}

class CheckTimeoutError extends Error {
  override name = "CheckTimeoutError";
}

/** Runs `work` for at most `ms`; on timeout the controller stops what the work still fetches. */
async function withTimeout<T>(work: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new CheckTimeoutError(`Checking took over ${ms} ms`);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function checkInput(record: CompletionRecord): VerifyInput | null {
  if (record.evidenceUrl) return record.evidenceUrl;
  const raw = record.rawCredential;
  if (typeof raw === "string" || (raw !== null && typeof raw === "object" && !Array.isArray(raw)))
    return raw as VerifyInput;
  return null;
}

async function check(
  deps: VerificationDeps,
  record: CompletionRecord,
  input: VerifyInput,
): Promise<VerificationResult> {
  const repo = new VerificationRepository(deps.db);
  const knownIssuers = await repo.knownIssuers();
  const credlyBadges = await repo.credlyBadgesOf(record.userId);
  return withTimeout(
    (signal) =>
      verifyCredential(input, {
        expectedEmails: record.email ? [record.email] : [],
        credlyBadges,
        now: deps.clock.now(),
        fetch: deps.fetch,
        knownIssuers,
        signal,
      }),
    deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  );
}

function timedOut(input: VerifyInput, message: string): VerificationResult {
  return {
    verdict: "invalid",
    reasons: [{ code: REASON_CODES.fetchFailed, message, severity: "error" }],
    kind: "unknown",
    issuer: null,
    name: null,
    issuedOn: null,
    expires: null,
    recipientMatch: "not_checkable",
    evidenceUrl: null,
    credentialUrl: null,
    raw: typeof input === "string" ? input : null,
    trust: { trusted: false, issuerDomain: null, reasons: [] },
  };
}

/** Sends a message once per (completion, kind, key); a failed send can be retried. */
async function sendOnce(
  deps: VerificationDeps,
  repo: VerificationRepository,
  record: CompletionRecord,
  delivery: { kind: DeliveryKind; key: string },
  message: Outgoing,
): Promise<boolean> {
  const claimed = await repo.claimDelivery(
    record.completionId,
    delivery.kind,
    delivery.key,
    deps.clock.now(),
  );
  if (!claimed) return false;
  try {
    await countDelivery("verification", () =>
      deps.messenger.send({ kind: "user", userId: record.userId }, message),
    );
  } catch (error) {
    await repo.releaseDelivery(record.completionId, delivery.kind, delivery.key);
    throw error;
  }
  return true;
}

/** Options of one badge check job. */
export interface CheckOptions {
  /** The queue will not try again: an unreachable badge is stored as unverified, not retried. */
  lastAttempt?: boolean;
  /** A badge file the person shared; else the one kept on the completion, its link or credential. */
  file?: Uint8Array;
  /** One per time the person shared or confirmed: its result is told once, retries or not. */
  shareId?: string;
}

/** Another worker is checking a different badge of the same completion; tried again later. */
export class CheckBusyError extends Error {
  override name = "CheckBusyError";
}

const evidenceOf = (record: CompletionRecord, file: Uint8Array | null): string =>
  file
    ? `file:${createHash("sha256").update(file).digest("hex").slice(0, 16)}`
    : (record.evidenceUrl ?? "credential");

/**
 * Checks one completion's badge, stores what it proves and tells the owner. On an attempt that
 * is not the last, an unreachable badge throws so the queue retries it later. One check of a
 * completion runs at a time across workers (a claim in PostgreSQL): a second check of the same
 * badge while the first runs does nothing, since the first answers.
 */
export async function verifyCompletion(
  deps: VerificationDeps,
  completionId: number,
  options: CheckOptions = {},
): Promise<VerificationResult | null> {
  const repo = new VerificationRepository(deps.db);
  const record = await repo.find(completionId);
  if (!record) return null;
  const file = options.file ?? (await repo.badgeFile(completionId));
  const input = file ?? checkInput(record);
  if (!input) {
    await tellBadgeLost(deps, repo, record, options.shareId);
    return null;
  }
  const owner = randomUUID();
  const now = deps.clock.now();
  const until = new Date(now.getTime() + 2 * (deps.timeoutMs ?? DEFAULT_TIMEOUT_MS) + 60_000);
  const claim = await repo.claimCheck(completionId, evidenceOf(record, file), owner, now, until);
  if (claim === "same") return null;
  if (claim === "other") {
    // on the last attempt it stays pending, and the lost-check sweep queues it again
    if (options.lastAttempt ?? true) return null;
    throw new CheckBusyError(`Completion ${completionId} is being checked elsewhere; will retry`);
  }
  try {
    return await checkCompletion(deps, repo, record, input, { ...options, file });
  } finally {
    await repo.releaseCheck(completionId, owner);
  }
}

/** A pending check with nothing left to check (a shared file lost with its job): ask again. */
async function tellBadgeLost(
  deps: VerificationDeps,
  repo: VerificationRepository,
  record: CompletionRecord,
  shareId: string | undefined,
): Promise<void> {
  if (record.status !== "pending") return;
  await repo.abandonPending(record.completionId);
  await sendOnce(
    deps,
    repo,
    record,
    { kind: "result", key: `lost#${shareId ?? ""}` },
    deps.wording.badgeLost(record),
  );
}

async function checkCompletion(
  deps: VerificationDeps,
  repo: VerificationRepository,
  record: CompletionRecord,
  input: VerifyInput,
  options: Omit<CheckOptions, "file"> & { file: Uint8Array | null },
): Promise<VerificationResult> {
  const lastAttempt = options.lastAttempt ?? true;
  const { completionId } = record;
  let result: VerificationResult;
  try {
    result = await check(deps, record, input);
  } catch (error) {
    if (!(error instanceof CheckTimeoutError) || !lastAttempt) throw error;
    result = timedOut(input, "Checking the badge took too long, so it could not be finished.");
  }
  if (!lastAttempt && isTransientFailure(result)) {
    throw new Error(`Badge for completion ${completionId} unreachable; will retry`);
  }
  const decision = decideCompletion(result, goalCredentialOf(record));
  const status = statusOf(result, decision);
  await repo.saveResult(completionId, result, status, deps.clock.now(), decision);
  // keyed by the evidence and the share, so sharing again reports again but a retry does not
  const evidence = evidenceOf(record, options.file);
  const key = options.shareId ? `${evidence}#${options.shareId}` : evidence;
  await sendOnce(
    deps,
    repo,
    record,
    { kind: "result", key },
    deps.wording.result(record, result, status, decision),
  );
  return result;
}

/**
 * Reminds owners 30 and 7 days before a verified credential expires. The most urgent stage due
 * is sent once per expiry date; a renewed credential (new date) is reminded again.
 */
export async function sendExpiryReminders(deps: VerificationDeps): Promise<number> {
  const repo = new VerificationRepository(deps.db);
  const now = deps.clock.now();
  const horizon = new Date(now.getTime() + Math.max(...REMINDER_DAYS) * DAY_MS);
  let sent = 0;
  const failures: unknown[] = [];
  for (const record of await repo.expiringBetween(now, horizon)) {
    const expires = record.expiresAt;
    if (!expires) continue;
    const left = expires.getTime() - now.getTime();
    const stage = REMINDER_DAYS.find((d) => left <= d * DAY_MS);
    if (!stage) continue;
    try {
      const kind: DeliveryKind = stage === 7 ? "expiry_7" : "expiry_30";
      const message = deps.wording.expiryReminder(record, Math.ceil(left / DAY_MS));
      if (await sendOnce(deps, repo, record, { kind, key: expires.toISOString() }, message)) sent++;
    } catch (error) {
      failures.push(error);
      deps.logger.warn({ completionId: record.completionId, err: error }, "expiry reminder failed");
    }
  }
  // the rest were sent; throwing lets the queue retry only what is still unsent
  if (failures.length > 0) throw new AggregateError(failures, "Some expiry reminders failed");
  return sent;
}

/**
 * Re-checks every verified credential; one the issuer revoked is marked so and its owner told
 * once. A credential that cannot be reached this week keeps its status.
 */
export async function recheckRevocations(deps: VerificationDeps): Promise<number> {
  const repo = new VerificationRepository(deps.db);
  let revoked = 0;
  const failures: unknown[] = [];
  for (const record of await repo.verifiedForRecheck()) {
    const input = checkInput(record);
    if (!input) continue;
    try {
      const result = await check(deps, record, input);
      if (!isRevoked(result)) {
        await repo.markChecked(record.completionId, deps.clock.now());
        continue;
      }
      await sendOnce(
        deps,
        repo,
        record,
        { kind: "revoked", key: "" },
        deps.wording.revoked(record, result),
      );
      // after the message: if marking fails, next week's run finds it again but sends nothing
      await repo.markRevoked(record.completionId, result, deps.clock.now());
      revoked++;
    } catch (error) {
      failures.push(error);
      deps.logger.warn(
        { completionId: record.completionId, err: error },
        "revocation re-check failed",
      );
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, "Some revocation re-checks failed");
  return revoked;
}

/**
 * Re-checks, once, completions shown as verified before the trust rules. One whose ✓ disappears
 * is saved as unverified and its owner told why, once. An unreachable badge is tried again on the
 * next run. Returns how many lost their ✓.
 */
export async function recheckTrust(deps: VerificationDeps, batch = 50): Promise<number> {
  const repo = new VerificationRepository(deps.db);
  let withdrawn = 0;
  const failures: unknown[] = [];
  for (const record of await repo.dueForTrustRecheck(batch)) {
    const input = checkInput(record);
    try {
      if (!input) {
        // nothing left to check it by: it can't keep a ✓ the trust rules never saw
        await repo.setStatus(record.completionId, "unverified");
        await repo.clearTrustRecheck(record.completionId);
        continue;
      }
      const result = await check(deps, record, input);
      if (isTransientFailure(result)) continue;
      if (isRevoked(result)) {
        await sendOnce(
          deps,
          repo,
          record,
          { kind: "revoked", key: "" },
          deps.wording.revoked(record, result),
        );
        await repo.markRevoked(record.completionId, result, deps.clock.now());
        await repo.clearTrustRecheck(record.completionId);
        withdrawn++;
        continue;
      }
      const decision = decideCompletion(result, goalCredentialOf(record));
      const status = statusOf(result, decision);
      const lost = status !== "verified" && status !== "warning";
      if (lost) {
        // before saving: if saving fails, the next run finds it again but sends nothing
        await sendOnce(
          deps,
          repo,
          record,
          { kind: "unverified", key: "trust" },
          deps.wording.trustWithdrawn(record, result, decision),
        );
        withdrawn++;
      }
      await repo.saveResult(record.completionId, result, status, deps.clock.now(), decision);
    } catch (error) {
      failures.push(error);
      deps.logger.warn({ completionId: record.completionId, err: error }, "trust re-check failed");
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, "Some trust re-checks failed");
  return withdrawn;
}
