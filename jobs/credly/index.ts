import type { Kysely } from "kysely";
import type { Database } from "../../src/db/types.ts";
import type { CredlyHosts } from "../../src/domain/credly/profile.ts";
import {
  CREDLY_SYNC_JOB,
  type CredlyJobs,
  CredlyService,
} from "../../src/domain/credly/service.ts";
import { localesOf } from "../../src/domain/users/locales.ts";
import { createSafeFetch } from "../../src/domain/verification/index.ts";
import type { Resolver } from "../../src/domain/verification/safe-fetch.ts";
import { XapiNotices } from "../../src/domain/xapi/notices.ts";
import { resolveLocale } from "../../src/i18n/index.ts";
import { credlySyncMessage } from "../../src/messages/credly.ts";
import { lmsCompletedMessage } from "../../src/messages/xapi.ts";
import type { BatchJobQueue, Messenger } from "../../src/ports.ts";
import { defineQueue, type JobModule } from "../queue.ts";

export const CREDLY_QUEUE = "credly";

export interface CredlyJobOptions {
  /** Address ranges the profile fetcher may reach although not public (tests, playground). */
  allowRanges?: readonly string[];
  resolve?: Resolver;
  /** A pretend Credly instead of credly.com. */
  hosts?: CredlyHosts;
  /** Cron pattern (UTC) of the daily read, replacing the catalogue's. */
  dailyPattern?: string;
  /** Cron pattern (UTC) of the LMS completion notices' run, replacing every minute. */
  noticesPattern?: string;
}

/** Queues a read of every linked profile, once per day whatever runs it. */
async function queueDaily(credly: CredlyService, jobs: BatchJobQueue<CredlyJobs>, day: string) {
  const users = await credly.linkedUsers();
  if (users.length === 0) return 0;
  await jobs.enqueueMany(
    users.map((userId) => ({
      job: CREDLY_SYNC_JOB,
      data: { userId, asked: false },
      id: `credly-${userId}-daily-${day}`,
    })),
  );
  return users.length;
}

/** Tells people about goals an LMS completed; one that could not be told is tried next time. */
async function sendNotices(
  notices: XapiNotices,
  messenger: Messenger,
  db: Kysely<Database>,
): Promise<number> {
  let sent = 0;
  let failure: unknown;
  for (const notice of await notices.claim()) {
    try {
      const locale = resolveLocale(...(await localesOf(db, notice.userId)));
      const message = lmsCompletedMessage(notice, locale);
      await messenger.send({ kind: "user", userId: notice.userId }, message);
      sent += 1;
    } catch (error) {
      failure ??= error;
      await notices.release(notice);
    }
  }
  if (failure) throw failure;
  return sent;
}

/**
 * Reads linked Credly profiles (once when linked, on /learn sync, and every morning) and tells
 * people about goals an LMS completed over xAPI.
 */
export function createCredlyJobs(options: CredlyJobOptions = {}): JobModule {
  return defineQueue("credly", (ctx) => {
    const fetch = createSafeFetch({
      allowRanges: options.allowRanges ?? [],
      ...(options.resolve ? { resolve: options.resolve } : {}),
    });
    const credly = new CredlyService({
      db: ctx.db,
      clock: ctx.clock,
      jobs: ctx.jobs,
      ...(options.hosts ? { hosts: options.hosts } : {}),
    });
    const notices = new XapiNotices(ctx.db, ctx.clock);
    const today = () => ctx.clock.now().toISOString().slice(0, 10);
    let lastDay = today();
    return {
      handlers: {
        async "credly.sync"(data) {
          const userId = Number(data.userId);
          if (!Number.isInteger(userId)) throw new Error("Bad user id in a Credly job");
          const result = await credly.sync(userId, fetch);
          const locale = resolveLocale(...(await localesOf(ctx.db, userId)));
          const message = credlySyncMessage(result, data.asked !== false, locale);
          if (message) await ctx.messenger.send({ kind: "user", userId }, message);
          return result.kind;
        },
        "credly.daily": () => queueDaily(credly, ctx.jobs, today()),
        "xapi.notices": () => sendNotices(notices, ctx.messenger, ctx.db),
      },
      schedules: {
        ...(options.dailyPattern ? { "credly.daily": { pattern: options.dailyPattern } } : {}),
        ...(options.noticesPattern ? { "xapi.notices": { pattern: options.noticesPattern } } : {}),
      },
      worker: { concurrency: 2 },
      // The playground moves the clock: a new day reads every profile.
      async runDue() {
        await sendNotices(notices, ctx.messenger, ctx.db).catch((err: unknown) =>
          ctx.logger.warn({ err }, "an LMS completion notice was not sent; it is tried again"),
        );
        if (today() === lastDay) return;
        lastDay = today();
        await queueDaily(credly, ctx.jobs, lastDay);
      },
    };
  });
}

/** The module as the worker role starts it: credly.com over public addresses only. */
export const credlyJobs: JobModule = createCredlyJobs();
