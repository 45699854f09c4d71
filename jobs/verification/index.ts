import { createHash } from "node:crypto";
import {
  createSafeFetch,
  type Fetcher,
  type VerificationResult,
  type VerifyInput,
  verifyCredential,
} from "../../src/domain/verification/index.ts";
import {
  expiryReminderMessage,
  revokedMessage,
  verificationResultMessage,
} from "../../src/domain/verification/messages.ts";
import { REASON_CODES } from "../../src/domain/verification/reasons.ts";
import {
  type CompletionRecord,
  type DeliveryKind,
  VerificationRepository,
} from "../../src/domain/verification/repository.ts";
import type { Resolver } from "../../src/domain/verification/safe-fetch.ts";
import {
  EXPIRY_JOB,
  isRevoked,
  isTransientFailure,
  REVOCATION_JOB,
  statusOf,
  VERIFY_JOB,
  type VerifyJobData,
} from "../../src/domain/verification/service.ts";
import type { Message } from "../../src/messages/model.ts";
import { defineQueue, type JobContext, type JobModule } from "../queue.ts";

export const VERIFICATION_QUEUE = "verification";
const DAY_MS = 86_400_000;
/** Reminder stages, most urgent first: days before expiry. */
const REMINDER_DAYS = [7, 30] as const;

export interface VerificationJobOptions {
  /**
   * Address ranges the badge fetcher may reach although they are not public, e.g.
   * ["127.0.0.1/32"] in tests and development. Empty in production.
   */
  allowRanges?: readonly string[];
  /** DNS resolver of the safe fetcher; tests stub it so no name is ever looked up. */
  resolve?: Resolver;
  /** Replaces the safe fetcher entirely (offline checks); allowRanges is then unused. */
  fetch?: Fetcher;
  /** Longest one check may take before the attempt fails and is retried. */
  timeoutMs?: number;
  /** Cron patterns (UTC) of the scheduled runs. */
  expiryPattern?: string;
  revocationPattern?: string;
}

export type VerificationDeps = Pick<JobContext, "db" | "clock" | "messenger" | "logger"> & {
  fetch: Fetcher;
  timeoutMs?: number;
};

class CheckTimeoutError extends Error {
  override name = "CheckTimeoutError";
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeoutError(`Checking took over ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
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
  return withTimeout(
    verifyCredential(input, {
      expectedEmails: record.email ? [record.email] : [],
      now: deps.clock.now(),
      fetch: deps.fetch,
    }),
    deps.timeoutMs ?? 30_000,
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
  message: Message,
): Promise<boolean> {
  const claimed = await repo.claimDelivery(
    record.completionId,
    delivery.kind,
    delivery.key,
    deps.clock.now(),
  );
  if (!claimed) return false;
  try {
    await deps.messenger.send({ kind: "user", userId: record.userId }, message);
  } catch (error) {
    await repo.releaseDelivery(record.completionId, delivery.kind, delivery.key);
    throw error;
  }
  return true;
}

/**
 * Checks one completion's badge, stores what it proves and tells the owner. On an attempt that
 * is not the last, an unreachable badge throws so the queue retries it later.
 */
export async function verifyCompletion(
  deps: VerificationDeps,
  completionId: number,
  options: { lastAttempt?: boolean; file?: Uint8Array } = {},
): Promise<VerificationResult | null> {
  const lastAttempt = options.lastAttempt ?? true;
  const repo = new VerificationRepository(deps.db);
  const record = await repo.find(completionId);
  const input = options.file ?? (record && checkInput(record));
  if (!record || !input) return null;
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
  const status = statusOf(result);
  await repo.saveResult(completionId, result, status, deps.clock.now());
  // keyed by the evidence, so sharing a new link or file reports again but a retry does not
  const key = options.file
    ? `file:${createHash("sha256").update(options.file).digest("hex").slice(0, 16)}`
    : (record.evidenceUrl ?? "credential");
  await sendOnce(
    deps,
    repo,
    record,
    { kind: "result", key },
    verificationResultMessage(record, result, status),
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
      const message = expiryReminderMessage(record, Math.ceil(left / DAY_MS));
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
        revokedMessage(record, result),
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
 * The verification job module: badge checks queued by completions, a daily expiry reminder run
 * and a weekly revocation re-check, both as Job Schedulers.
 */
export function createVerificationJobs(options: VerificationJobOptions = {}): JobModule {
  return defineQueue("verification", (ctx) => {
    const deps: VerificationDeps = {
      db: ctx.db,
      clock: ctx.clock,
      messenger: ctx.messenger,
      logger: ctx.logger,
      fetch:
        options.fetch ??
        createSafeFetch({
          allowRanges: options.allowRanges ?? [],
          ...(options.resolve ? { resolve: options.resolve } : {}),
        }),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    };
    // The playground moves the clock: expiry reminders run on every move, the revocation
    // re-check once the clock has moved a week past the last one.
    let lastRecheck = ctx.clock.now().getTime();
    return {
      handlers: {
        async [VERIFY_JOB](data, attempt) {
          const completionId = Number(data.completionId);
          if (!Number.isInteger(completionId)) return null;
          const file =
            typeof data.file === "string"
              ? new Uint8Array(Buffer.from(data.file, "base64"))
              : undefined;
          const result = await verifyCompletion(deps, completionId, {
            lastAttempt: attempt.last,
            ...(file ? { file } : {}),
          });
          return result ? { verdict: result.verdict } : null;
        },
        [EXPIRY_JOB]: async () => ({ sent: await sendExpiryReminders(deps) }),
        [REVOCATION_JOB]: async () => ({ revoked: await recheckRevocations(deps) }),
      },
      schedules: {
        ...(options.expiryPattern ? { [EXPIRY_JOB]: { pattern: options.expiryPattern } } : {}),
        ...(options.revocationPattern
          ? { [REVOCATION_JOB]: { pattern: options.revocationPattern } }
          : {}),
      },
      // A failed check is retried; only giving up is worth a warning.
      failures: "debug",
      onFailed(job, err) {
        if (job.name !== VERIFY_JOB || !job.final) return;
        const completionId = Number((job.data as Partial<VerifyJobData> | undefined)?.completionId);
        ctx.logger.warn({ err, completionId }, "badge check gave up");
        if (Number.isInteger(completionId)) {
          new VerificationRepository(ctx.db).abandonPending(completionId).catch(() => undefined);
        }
      },
      async runDue() {
        await sendExpiryReminders(deps);
        if (ctx.clock.now().getTime() - lastRecheck >= 7 * DAY_MS) {
          lastRecheck = ctx.clock.now().getTime();
          await recheckRevocations(deps);
        }
      },
    };
  });
}

/**
 * The module list with the verification module built from `options`, for the one place that
 * reads configuration (e.g. an allow-list of development address ranges).
 */
export function configureVerificationJobs(
  modules: readonly JobModule[],
  options: VerificationJobOptions,
): JobModule[] {
  return modules.map((m) => (m.name === VERIFICATION_QUEUE ? createVerificationJobs(options) : m));
}

/** The module as the worker role starts it: public addresses only. */
export const verificationJobs = createVerificationJobs();
