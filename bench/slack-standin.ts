// The Slack stand-in in a process of its own, so the bench's own process pays only for our side
// of each call. Prints one JSON line with the API URL, then serves until killed.
//   node --import tsx bench/slack-standin.ts --users 100000
// GET /bench/count and GET /bench/delivered answer how many messages landed, and where.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { SlackStandIn } from "../playground/slack/standin.ts";

const { values } = parseArgs({ options: { users: { type: "string", default: "0" } } });
const standin = new SlackStandIn({ anyChannel: true });
// The people the bench seeds (U0000001…), so posts to them land in their DMs.
for (let i = 1; i <= Number(values.users); i += 1) {
  standin.users.set(`U${String(i).padStart(7, "0")}`, {
    id: `U${String(i).padStart(7, "0")}`,
    name: `person${i}`,
  });
}

const server = createServer((req, res) => {
  const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
  if (path === "/bench/count" || path === "/bench/delivered") {
    // Nobody reads the recorded calls here; dropping them keeps this process's heap small.
    standin.calls.length = 0;
    const answer: Record<string, number> = { messages: standin.messages.length };
    if (path === "/bench/delivered") {
      const perChannel = new Map<string, number>();
      for (const m of standin.messages)
        perChannel.set(m.channel, (perChannel.get(m.channel) ?? 0) + 1);
      answer.channels = perChannel.size;
      answer.duplicates = [...perChannel.values()].reduce((sum, n) => sum + (n - 1), 0);
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(answer));
    return;
  }
  standin.handle(req, res, path).catch(() => {
    res.statusCode = 500;
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  standin.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.stdout.write(`${JSON.stringify({ apiUrl: standin.apiUrl, baseUrl: standin.baseUrl })}\n`);
});
process.on("SIGTERM", () => process.exit(0));
