import {
  DEFAULT_RETENTION_DAYS,
  purgeExpiredStatements,
  purgeUninstalled,
} from "../../src/domain/privacy/purge.ts";
import { defineQueue } from "../queue.ts";

/**
 * Deletes, daily, the data of workspaces uninstalled longer than the retention period, and xAPI
 * statements no one could be matched to once they expire.
 */
export const privacyJobs = (retentionDays = DEFAULT_RETENTION_DAYS) =>
  defineQueue("privacy", (ctx) => ({
    handlers: {
      async "privacy.purge"() {
        const purged = await purgeUninstalled(ctx.db, ctx.clock.now(), retentionDays);
        if (purged > 0) ctx.logger.info({ purged, retentionDays }, "uninstalled workspaces purged");
        const statements = await purgeExpiredStatements(ctx.db, ctx.clock.now());
        if (statements > 0)
          ctx.logger.info({ statements }, "expired unmatched xAPI statements purged");
      },
    },
  }));
