import type { IncomingMessage, ServerResponse } from "node:http";
import { createSafeFetch, type Fetcher } from "../../src/domain/verification/index.ts";
import { type LoopbackServer, serveOnLoopback } from "../support/loopback.ts";

export interface Page {
  body: unknown;
  status?: number;
  type?: string;
  /** Redirect to this https URL (another host of the same set, or this one). */
  redirect?: string;
}

/**
 * Stand-ins for the issuers' web hosts, all on one loopback server that tells them apart by the
 * Host header. The fetcher resolves each named host to 127.0.0.1 (and every other name to a
 * documentation address the safe fetcher refuses), speaks plain http to the loopback port, and
 * reports URLs as the https URLs the badges name, so origin rules see the real host names.
 */
export class BadgeHosts {
  private readonly sites = new Map<string, Map<string, Page>>();
  private server: LoopbackServer | null = null;
  private port = 0;
  readonly requests: string[] = [];

  /** Publishes `page` at an https URL. */
  put(url: string, page: Page | unknown): void {
    const u = new URL(url);
    const host = u.hostname.toLowerCase();
    let site = this.sites.get(host);
    if (!site) {
      site = new Map();
      this.sites.set(host, site);
    }
    const isPage = typeof page === "object" && page !== null && "body" in page;
    site.set(u.pathname + u.search, isPage ? (page as Page) : { body: page });
  }

  async start(): Promise<void> {
    this.server = await serveOnLoopback((req, res) => this.handle(req, res));
    this.port = Number(new URL(this.server.base).port);
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const host = (req.headers.host ?? "").replace(/:\d+$/, "").toLowerCase();
    this.requests.push(`https://${host}${req.url ?? "/"}`);
    const page = this.sites.get(host)?.get(req.url ?? "/");
    if (!page) {
      res.writeHead(404).end();
      return;
    }
    if (page.redirect) {
      res.writeHead(302, { location: this.toLoopback(page.redirect) }).end();
      return;
    }
    const text = typeof page.body === "string" ? page.body : JSON.stringify(page.body);
    res
      .writeHead(page.status ?? 200, { "content-type": page.type ?? "application/ld+json" })
      .end(text);
  }

  private toLoopback(url: string): string {
    const u = new URL(url);
    return `http://${u.hostname}:${this.port}${u.pathname}${u.search}`;
  }

  private fromLoopback(url: string): string {
    const u = new URL(url);
    return `https://${u.hostname}${u.pathname}${u.search}`;
  }

  /** The fetcher badges are checked with: the real safe fetcher, pointed at these hosts. */
  fetcher(): Fetcher {
    const safe = createSafeFetch({
      allowRanges: ["127.0.0.1/32"],
      resolve: async (name) => [
        { address: this.sites.has(name.toLowerCase()) ? "127.0.0.1" : "192.0.2.1", family: 4 },
      ],
    });
    return async (url, options) => {
      const u = new URL(url);
      if (u.protocol !== "https:") throw new Error(`only https badge hosts are served: ${url}`);
      const res = await safe(this.toLoopback(url), options);
      return { ...res, url, finalUrl: this.fromLoopback(res.finalUrl) };
    };
  }
}
