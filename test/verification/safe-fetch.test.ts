import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createSafeFetch,
  FetchRefusedError,
  isForbiddenAddress,
  type Resolver,
} from "../../src/domain/verification/safe-fetch.ts";

describe("isForbiddenAddress", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd00:ec2::254",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "::ffff:10.0.0.1",
    "not an ip",
  ])("refuses %s", (ip) => {
    expect(isForbiddenAddress(ip)).toBe(true);
  });

  it.each(["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:93.184.216.34"])(
    "allows public %s",
    (ip) => {
      expect(isForbiddenAddress(ip)).toBe(false);
    },
  );

  it("allows only what the explicit allow-list names", () => {
    expect(isForbiddenAddress("127.0.0.1", ["127.0.0.1/32"])).toBe(false);
    expect(isForbiddenAddress("127.0.0.2", ["127.0.0.1/32"])).toBe(true);
    expect(isForbiddenAddress("10.0.0.1", ["127.0.0.1/32"])).toBe(true);
  });
});

describe("createSafeFetch refusals (stubbed resolver, nothing is contacted)", () => {
  it.each([
    ["private", ["10.0.0.5"]],
    ["metadata", ["169.254.169.254"]],
    ["IPv4-mapped loopback", ["::ffff:127.0.0.1"]],
    ["unique-local", ["fd12:3456::1"]],
    ["CGNAT", ["100.64.1.1"]],
    ["one private answer among public ones", ["93.184.216.34", "192.168.0.10"]],
  ])("refuses a host that resolves to %s addresses", async (_label, addresses) => {
    const resolve = vi.fn<Resolver>(async () =>
      addresses.map((address) => ({
        address,
        family: address.includes(":") ? (6 as const) : (4 as const),
      })),
    );
    const fetcher = createSafeFetch({ resolve });
    await expect(fetcher("https://badges.example/assertion.json")).rejects.toBeInstanceOf(
      FetchRefusedError,
    );
    expect(resolve).toHaveBeenCalledWith("badges.example");
  });

  it.each([
    "file:///etc/passwd",
    "ftp://example.org/x",
    "gopher://example.org/",
    "http://user:pw@example.org/",
  ])("refuses %s without resolving it", async (url) => {
    const resolve = vi.fn<Resolver>(async () => [{ address: "93.184.216.34", family: 4 }]);
    await expect(createSafeFetch({ resolve })(url)).rejects.toBeInstanceOf(FetchRefusedError);
    expect(resolve).not.toHaveBeenCalled();
  });

  it("refuses literal private addresses in the URL", async () => {
    const resolve = vi.fn<Resolver>();
    const fetcher = createSafeFetch({ resolve });
    await expect(fetcher("http://169.254.169.254/latest/meta-data/")).rejects.toBeInstanceOf(
      FetchRefusedError,
    );
    await expect(fetcher("http://[::1]:8080/")).rejects.toBeInstanceOf(FetchRefusedError);
    expect(resolve).not.toHaveBeenCalled();
  });
});

describe("createSafeFetch against a loopback server", () => {
  let server: Server;
  let port = 0;
  const big = "x".repeat(2_000_000);

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? "/";
      const hop = /^\/hop\/(\d+)$/.exec(path);
      if (path === "/badge.json") {
        res.writeHead(200, { "content-type": "application/ld+json" });
        res.end('{"ok":true}');
      } else if (hop) {
        const n = Number(hop[1]);
        res.writeHead(302, { location: n === 0 ? "/badge.json" : `/hop/${n - 1}` });
        res.end();
      } else if (path === "/to-internal") {
        res.writeHead(302, { location: `http://internal.test:${port}/badge.json` });
        res.end();
      } else if (path === "/big") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(big);
      } else if (path === "/slow") {
        setTimeout(() => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end("{}");
        }, 1_000);
      } else if (path === "/zip") {
        res.writeHead(200, { "content-type": "application/zip" });
        res.end("PK");
      } else {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("no");
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const resolve: Resolver = async (host) =>
    host === "internal.test"
      ? [{ address: "10.0.0.7", family: 4 }]
      : [{ address: "127.0.0.1", family: 4 }];
  const allowed = (extra: Parameters<typeof createSafeFetch>[0] = {}) =>
    createSafeFetch({ resolve, allowRanges: ["127.0.0.1/32"], ...extra });

  it("fetches from an allow-listed address, connecting to the checked address", async () => {
    const res = await allowed()(`http://badges.test:${port}/badge.json`);
    expect(res.status).toBe(200);
    expect(res.contentType).toBe("application/ld+json");
    expect(new TextDecoder().decode(res.body)).toBe('{"ok":true}');
  });

  it("refuses loopback when it is not allow-listed", async () => {
    await expect(
      createSafeFetch({ resolve })(`http://badges.test:${port}/badge.json`),
    ).rejects.toBeInstanceOf(FetchRefusedError);
  });

  it("follows up to 3 redirects and refuses a 4th", async () => {
    const ok = await allowed()(`http://badges.test:${port}/hop/2`);
    expect(ok.status).toBe(200);
    expect(ok.finalUrl).toBe(`http://badges.test:${port}/badge.json`);
    await expect(allowed()(`http://badges.test:${port}/hop/3`)).rejects.toThrow(/redirects/);
  });

  it("re-checks the address of every redirect target", async () => {
    await expect(allowed()(`http://badges.test:${port}/to-internal`)).rejects.toThrow(/non-public/);
  });

  it("stops reading past the size limit", async () => {
    await expect(allowed()(`http://badges.test:${port}/big`)).rejects.toThrow(
      /larger than 1000000/,
    );
  });

  it("gives up after the time limit", async () => {
    await expect(allowed({ timeoutMs: 200 })(`http://badges.test:${port}/slow`)).rejects.toThrow(
      /Timed out/,
    );
  });

  it("refuses unexpected content types", async () => {
    await expect(allowed()(`http://badges.test:${port}/zip`)).rejects.toThrow(/content type/);
  });

  it("returns HTTP errors as statuses so callers can tell 404 from 410", async () => {
    const res = await allowed()(`http://badges.test:${port}/missing`);
    expect(res.status).toBe(404);
  });
});
