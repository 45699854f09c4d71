import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES } from "../../jobs/catalogue.ts";
import { startTestService, type TestService } from "../support/service.ts";

const PASSWORD = "correct horse battery staple";
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("queue dashboard", () => {
  let on: TestService;
  let off: TestService;

  beforeAll(async () => {
    [on, off] = await Promise.all([
      startTestService({
        label: "dashboard_on",
        role: "all",
        config: { dashboard: { user: "admin", password: PASSWORD } },
      }),
      startTestService({ label: "dashboard_off", role: "all" }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await on?.close();
    await off?.close();
  });

  it("answers 401 without the password, or with a wrong one", async () => {
    const none = await fetch(`${on.url}/admin/queues`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
    for (const [user, password] of [
      ["admin", "wrong"],
      ["admin", `${PASSWORD} `],
      ["root", PASSWORD],
      ["admin", ""],
    ] as const) {
      const res = await fetch(`${on.url}/admin/queues/api/queues`, {
        headers: { authorization: basic(user, password) },
      });
      expect(res.status).toBe(401);
    }
  });

  it("shows every queue to the admin, with retry and clean", async () => {
    const auth = { authorization: basic("admin", PASSWORD) };
    const page = await fetch(`${on.url}/admin/queues`, { headers: auth });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Stackup queues");
    const res = await fetch(`${on.url}/admin/queues/api/queues`, { headers: auth });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(body.queues.map((q) => q.name).sort()).toEqual([...QUEUES].sort());
    expect(QUEUES).toContain("checkins");
    expect(body.queues.every((q) => !q.readOnlyMode)).toBe(true);
    // Cleaning a queue's failed jobs is an action the dashboard offers.
    const clean = await fetch(`${on.url}/admin/queues/api/queues/checkins/clean/failed`, {
      method: "PUT",
      headers: auth,
    });
    expect(clean.status).toBe(200);
  });

  it("is not served at all unless a password is configured", async () => {
    expect((await fetch(`${off.url}/admin/queues`)).status).toBe(404);
    const res = await fetch(`${off.url}/admin/queues`, {
      headers: { authorization: basic("admin", PASSWORD) },
    });
    expect(res.status).toBe(404);
  });
});
