import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privacyPageHandler } from "../../bin/privacy-page.ts";

describe("GET /privacy", () => {
  const server = createServer((req, res) =>
    privacyPageHandler(45)(req, res, () => {
      res.writeHead(404);
      res.end();
    }),
  );
  let url = "";
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it("says what is stored, for how long, and how to export or erase it", async () => {
    const res = await fetch(`${url}/privacy`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const page = await res.text();
    for (const text of [
      "What is stored, and why",
      "deleted 45 days later",
      "/learn my data",
      "/learn delete my data",
      "/learn admin forget @person",
      "leaderboard optout hidden",
    ])
      expect(page).toContain(text);
  });

  it("leaves other paths and methods to the next handler", async () => {
    expect((await fetch(`${url}/privacy/x`)).status).toBe(404);
    expect((await fetch(`${url}/privacy`, { method: "POST" })).status).toBe(404);
    expect((await fetch(`${url}/privacy?lang=en`)).status).toBe(200);
  });
});
