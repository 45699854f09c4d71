import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export interface HttpServerOptions {
  port: number;
  host?: string;
  /** Each answers readiness: true when its dependency responds. */
  readiness: Record<string, () => Promise<boolean>>;
  /** Mounted in order; each handles its own paths and calls next() for the rest. */
  handlers: RouteHandler[];
}

export interface HttpServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** The service's one HTTP server: health checks here, platform endpoints from the adapters. */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/healthz") return json(res, 200, { status: "ok" });
    if (req.method === "GET" && path === "/readyz") {
      void (async () => {
        const checks: Record<string, boolean> = {};
        await Promise.all(
          Object.entries(options.readiness).map(async ([name, check]) => {
            checks[name] = await Promise.race([
              check().catch(() => false),
              new Promise<boolean>((r) => setTimeout(() => r(false), 2_000).unref()),
            ]);
          }),
        );
        const ready = Object.values(checks).every(Boolean);
        json(res, ready ? 200 : 503, { status: ready ? "ready" : "not ready", checks });
      })();
      return;
    }
    let i = 0;
    const next = () => {
      const handler = options.handlers[i++];
      if (handler) handler(req, res, next);
      else json(res, 404, { error: "not found" });
    };
    next();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
