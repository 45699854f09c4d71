import { DigestSender, queueDueDigests } from "../../src/domain/org/digest-sender.ts";
import { digestMessages } from "../../src/messages/org.ts";
import { defineQueue } from "../queue.ts";

export const DIGEST_QUEUE = "digests";

/** Weekly team digests in their channels and monthly manager summaries by DM. */
export const digestJobs = defineQueue("digests", (ctx) => {
  const sender = new DigestSender(ctx.db, ctx.clock, ctx.messenger, digestMessages());
  return {
    handlers: {
      "digests.tick": () => queueDueDigests(ctx.db, ctx.clock.now(), ctx.jobs),
      "digests.team": (due) => sender.sendDigest(due),
      "digests.summary": (due) => sender.sendSummary(due),
    },
  };
});
