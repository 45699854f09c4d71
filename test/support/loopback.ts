import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";

export interface LoopbackServer {
  /** `http://host:port`, without a trailing slash. */
  base: string;
  close(): Promise<void>;
}

/** Serves `handler` on a free port of a loopback address, as stand-ins for outside hosts do. */
export async function serveOnLoopback(
  handler: RequestListener,
  host = "127.0.0.1",
): Promise<LoopbackServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    base: `http://${host}:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
