import { afterEach, describe, expect, it } from "vitest";
import { startHttpServer } from "../../bin/server.ts";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import { startTestService, type TestService } from "../support/service.ts";

let service: TestService | undefined;
let slack: FakeSlack | undefined;
afterEach(async () => {
  await service?.close();
  await slack?.close();
  service = undefined;
  slack = undefined;
});

describe("the front door, GET /", () => {
  it("says what this is, that it is ready, and links the playground when it is on", async () => {
    service = await startTestService({
      label: "home",
      role: "all",
      config: { playground: "auto" },
    });
    const res = await fetch(`${service.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain("<title>Stackup</title>");
    expect(html).toContain("micro-credentials");
    expect(html).toContain("Ready: every dependency answers.");
    expect(html).toMatch(/database: <strong>ok<\/strong>/);
    expect(html).toMatch(/queue: <strong>ok<\/strong>/);
    expect(html).toContain('<a href="/playground">Playground</a>');
    expect(html).toContain('<a href="/healthz">/healthz</a>');
    expect(html).toContain("https://api.slack.com/apps");
    // The playground's own page still answers beside it.
    expect((await fetch(`${service.url}/playground`)).status).toBe(200);
  });

  it("leaves the playground out when it is off, and lists Slack's request URL instead", async () => {
    slack = await startFakeSlack();
    service = await startTestService({ label: "home", role: "web", slackApiUrl: slack.apiUrl });
    const html = await (await fetch(`${service.url}/`)).text();
    expect(html).not.toContain("/playground");
    expect(html).toContain('<a href="/slack/events">Slack</a>');
  });

  it("says which dependency does not answer, and escapes what it lists", async () => {
    const http = await startHttpServer({
      port: 0,
      host: "127.0.0.1",
      readiness: { database: async () => true, queue: async () => false },
      handlers: [],
    });
    try {
      http.link({ title: "<b>x</b>", path: "/x?a=1&b=2", about: 'say "hi"' });
      const html = await (await fetch(`${http.url}/`)).text();
      expect(html).toContain("Not ready.");
      expect(html).toMatch(/queue: <strong>not answering<\/strong>/);
      expect(html).toContain('<a href="/x?a=1&#38;b=2">&#60;b&#62;x&#60;/b&#62;</a>');
      expect(html).not.toContain("<b>x</b>");
      expect((await fetch(`${http.url}/nothing-here`)).status).toBe(404);
    } finally {
      await http.close();
    }
  });
});
