import { DEFAULT_RETENTION_DAYS, purgeUninstalled } from "../../src/domain/privacy/purge.ts";
import { defineQueue } from "../queue.ts";

/** Deletes, daily, the data of workspaces uninstalled longer than the retention period. */
export const privacyJobs = (retentionDays = DEFAULT_RETENTION_DAYS) =>
  defineQueue("privacy", (ctx) => ({
    handlers: {
      async "privacy.purge"() {
        const purged = await purgeUninstalled(ctx.db, ctx.clock.now(), retentionDays);
        if (purged > 0) ctx.logger.info({ purged, retentionDays }, "uninstalled workspaces purged");
      },
    },
  }));
