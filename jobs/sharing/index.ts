import { deliverShare, queuePendingShares } from "../../src/domain/sharing/shares.ts";
import { sharedLearningMessage } from "../../src/messages/share.ts";
import { defineQueue } from "../queue.ts";

export const SHARING_QUEUE = "sharing";

/** Posts "what I learned" to the team channel or colleague its author chose, once. */
export const shareJobs = defineQueue("sharing", (ctx) => {
  const deps = { db: ctx.db, messenger: ctx.messenger, now: () => ctx.clock.now() };
  return {
    handlers: {
      async "share.deliver"(data) {
        const shareId = Number(data.shareId);
        if (!Number.isInteger(shareId)) throw new Error("Bad share id in a share job");
        return deliverShare(deps, shareId, sharedLearningMessage);
      },
      "share.sweep": () => queuePendingShares(ctx.db, ctx.clock.now(), ctx.jobs),
    },
  };
});
