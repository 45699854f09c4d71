import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { correlationId, withCorrelation } from "../src/log.ts";
import { metrics } from "../src/metrics.ts";
import { type HomeLink, renderHome, sendHome } from "./home.ts";
import { packageVersion } from "./version.ts";

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
  /** Lists a public endpoint of this process on the front page (`GET /`). */
  link(link: HomeLink): void;
  /** Stops accepting; requests in flight get up to `drainMs` to finish (none unless given). */
  close(drainMs?: number): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Each check's answer, false for one that fails or takes over two seconds. */
async function readiness(
  checks: Record<string, () => Promise<boolean>>,
): Promise<Record<string, boolean>> {
  const answers: Record<string, boolean> = {};
  await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      answers[name] = await Promise.race([
        check().catch(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(false), 2_000).unref()),
      ]);
    }),
  );
  return answers;
}

/** The service's one HTTP server: health checks here, platform endpoints from the adapters. */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const version = packageVersion();
  const links: HomeLink[] = [];
  const server = createServer((req, res) => {
    // A caller's request id (a load balancer's, say) when it is a plain token, else a new one.
    const given = req.headers["x-request-id"];
    const id = typeof given === "string" && /^[\w.-]{1,100}$/.test(given) ? given : undefined;
    withCorrelation(id, () => {
      res.setHeader("x-request-id", correlationId()!);
      handle(req, res);
    });
  });
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const started = process.hrtime.bigint();
    res.once("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpRequest(path, req.method ?? "GET", res.statusCode, seconds);
    });
    if (req.method === "GET" && path === "/healthz") return json(res, 200, { status: "ok" });
    if (req.method === "GET" && path === "/metrics") {
      metrics.text().then(
        (text) => {
          res.writeHead(200, { "content-type": metrics.contentType });
          res.end(text);
        },
        () => json(res, 500, { error: "metrics unavailable" }),
      );
      return;
    }
    if (req.method === "GET" && path === "/readyz") {
      void readiness(options.readiness).then((checks) => {
        const ready = Object.values(checks).every(Boolean);
        json(res, ready ? 200 : 503, { status: ready ? "ready" : "not ready", checks });
      });
      return;
    }
    if ((req.method === "GET" || req.method === "HEAD") && path === "/") {
      void readiness(options.readiness).then((checks) => {
        sendHome(res, renderHome({ version, checks, links }));
      });
      return;
    }
    let i = 0;
    const next = () => {
      const handler = options.handlers[i++];
      if (handler) handler(req, res, next);
      else json(res, 404, { error: "not found" });
    };
    next();
  };
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    link: (link) => {
      links.push(link);
    },
    close: (drainMs = 0) =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        if (drainMs <= 0) server.closeAllConnections();
        else setTimeout(() => server.closeAllConnections(), drainMs).unref();
      }),
  };
}
