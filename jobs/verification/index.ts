import {
  recheckRevocations,
  recheckTrust,
  sendExpiryReminders,
  type VerificationDeps,
  verifyCompletion,
} from "../../src/domain/verification/checks.ts";
import { createSafeFetch, type Fetcher } from "../../src/domain/verification/index.ts";
import { VerificationRepository } from "../../src/domain/verification/repository.ts";
import type { Resolver } from "../../src/domain/verification/safe-fetch.ts";
import {
  EXPIRY_JOB,
  LOST_CHECKS_JOB,
  REVOCATION_JOB,
  requeueLostChecks,
  TRUST_RECHECK_JOB,
  VERIFY_JOB,
  type VerifyJobData,
} from "../../src/domain/verification/service.ts";
import { verificationWording } from "../../src/messages/verification.ts";
import { defineQueue, type JobModule } from "../queue.ts";

export const VERIFICATION_QUEUE = "verification";
const DAY_MS = 86_400_000;

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
  trustRecheckPattern?: string;
  lostChecksPattern?: string;
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
      wording: verificationWording,
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
            ...(typeof data.shareId === "string" ? { shareId: data.shareId } : {}),
          });
          return result ? { verdict: result.verdict } : null;
        },
        [EXPIRY_JOB]: async () => ({ sent: await sendExpiryReminders(deps) }),
        [REVOCATION_JOB]: async () => ({ revoked: await recheckRevocations(deps) }),
        [TRUST_RECHECK_JOB]: async () => ({ withdrawn: await recheckTrust(deps) }),
        [LOST_CHECKS_JOB]: async () => ({
          queued: await requeueLostChecks(ctx.db, ctx.jobs, ctx.clock.now()),
        }),
      },
      schedules: {
        ...(options.expiryPattern ? { [EXPIRY_JOB]: { pattern: options.expiryPattern } } : {}),
        ...(options.revocationPattern
          ? { [REVOCATION_JOB]: { pattern: options.revocationPattern } }
          : {}),
        ...(options.trustRecheckPattern
          ? { [TRUST_RECHECK_JOB]: { pattern: options.trustRecheckPattern } }
          : {}),
        ...(options.lostChecksPattern
          ? { [LOST_CHECKS_JOB]: { pattern: options.lostChecksPattern } }
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
        await recheckTrust(deps);
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
