import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Queue } from "bullmq";
import express from "express";
import type { RouteHandler } from "./server.ts";

export const DASHBOARD_PATH = "/admin/queues";

export interface DashboardOptions {
  user: string;
  password: string;
  queues: Queue[];
}

/**
 * Bull Board at /admin/queues, behind HTTP basic auth: see each queue's jobs, retry failed ones
 * and clean finished ones. Express serves only this path, inside the plain HTTP server.
 */
export function dashboardHandler(options: DashboardOptions): RouteHandler {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: options.queues.map((q) => new BullMQAdapter(q)),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: "Stackup queues" } },
  });
  const app = express();
  app.disable("x-powered-by");
  app.use(DASHBOARD_PATH, adapter.getRouter());
  const expected = digest(`${options.user}:${options.password}`);
  return (req, res, next) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path !== DASHBOARD_PATH && !path.startsWith(`${DASHBOARD_PATH}/`)) return next();
    if (!authorised(req, expected)) {
      res.writeHead(401, {
        "www-authenticate": 'Basic realm="Stackup queues", charset="UTF-8"',
        "content-type": "text/plain; charset=utf-8",
      });
      res.end("The queue dashboard needs its user name and password.");
      return;
    }
    app(req as express.Request, res as express.Response, next);
  };
}

// Both sides are hashed first, so comparing takes the same time whatever was sent.
const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

function authorised(req: IncomingMessage, expected: Buffer): boolean {
  const header = req.headers.authorization ?? "";
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  const given = digest(match ? Buffer.from(match[1]!, "base64").toString("utf8") : "");
  return timingSafeEqual(given, expected) && match !== null;
}
