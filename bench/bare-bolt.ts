// A Bolt app that only acks `/learn`, on the same HTTP receiver Bolt gives everyone: the floor
// the ack bench compares Stackup with. Listens on PORT; GET /healthz answers when it is up.
//   PORT=3100 node --import tsx bench/bare-bolt.ts
import { App } from "@slack/bolt";
import { SIGNING_SECRET } from "./load.ts";

const port = Number(process.env.PORT ?? 3100);
const app = new App({
  signingSecret: SIGNING_SECRET,
  // A fixed answer: Bolt asks nothing of Slack before the listener runs.
  authorize: async () => ({ botToken: "xoxb-bench", botId: "B0BENCH", botUserId: "U0BENCH" }),
  customRoutes: [
    {
      path: "/healthz",
      method: ["GET"],
      handler: (_req, res) => {
        res.writeHead(200).end("ok");
      },
    },
  ],
});
app.command("/learn", async ({ ack }) => {
  await ack();
});
await app.start(port);
process.on("SIGTERM", () => {
  void app.stop().then(() => process.exit(0));
});
