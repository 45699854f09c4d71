import { once } from "node:events";
import { createServer, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOnce, run } from "./process.ts";

/*
 * An orchestrator may stop a process that is still starting. Here the database accepts the
 * connection and never answers, so the process is held inside its start when SIGTERM arrives.
 */
describe("SIGTERM while the service is still starting", () => {
  const sockets: Socket[] = [];
  const stalled = createServer((socket) => {
    sockets.push(socket);
    stalled.emit("held");
  });
  let port = 0;

  beforeAll(async () => {
    await buildOnce();
    stalled.listen(0, "127.0.0.1");
    await once(stalled, "listening");
    port = (stalled.address() as { port: number }).port;
  }, 300_000);
  afterAll(() => {
    for (const s of sockets) s.destroy();
    stalled.close();
  });

  it("is handled: it logs the shutdown and exits by its deadline, not killed by the signal", async () => {
    const held = once(stalled, "held");
    const service = run(["node", "dist/bin/main.js", "start", "--role", "web"], {
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/test`,
      PORT: "0",
      LOG_LEVEL: "info",
      SHUTDOWN_TIMEOUT: "1",
      PLAYGROUND: "off",
    });
    await held;
    const exited = once(service.child, "exit");
    service.child.kill("SIGTERM");
    const [code, signal] = (await exited) as [number | null, string | null];
    expect(signal).toBeNull();
    expect(code).toBe(1);
    expect(service.output()).toContain("shutting down: stopping once started");
    expect(service.output()).toContain("shutdown deadline passed");
  }, 60_000);
});
