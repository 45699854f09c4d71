import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type QueueBackend, redisBackend } from "../../jobs/backend.ts";
import { createCredlyJobs } from "../../jobs/credly/index.ts";
import { createJobQueue, type RunningJobs } from "../../jobs/registry.ts";
import { createVerificationJobs } from "../../jobs/verification/index.ts";
import type { Actor, Core } from "../../src/commands/core.ts";
import { createCore } from "../../src/commands/router.ts";
import { parseProfile, sameName } from "../../src/domain/credly/profile.ts";
import { CREDLY_DAILY_JOB } from "../../src/domain/credly/service.ts";
import { createLogger } from "../../src/log.ts";
import { type Button, type Message, messageText, type Reply } from "../../src/messages/model.ts";
import type { Messenger } from "../../src/ports.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { TEST_REDIS_URL } from "../support/app.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { startPretendCredly } from "./pretend-credly.ts";

// Names "resolve" to a documentation address the fetcher refuses: only 127.0.0.1 is contacted.
const noDns = async () => [{ address: "192.0.2.1", family: 4 as const }];
const QUIET = { expiryPattern: "0 3 29 2 *", revocationPattern: "0 4 29 2 *" };

function person(user: string, displayName: string): Actor {
  return {
    platform: "slack",
    workspaceExternalId: "T1",
    userExternalId: user,
    profile: async () => ({
      displayName,
      email: `${user.toLowerCase()}@example.test`,
      timeZone: "Europe/Berlin",
    }),
  };
}

const text = (reply: Reply) => {
  if (reply.kind !== "message" && reply.kind !== "update") throw new Error(`got ${reply.kind}`);
  return messageText(reply.message);
};
const buttonsOf = (m: Message): Button[] =>
  m.blocks.flatMap((b) => (b.type === "actions" ? b.buttons : []));

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("profile addresses and names", () => {
  it("reads a username from a profile URL or as given, and nothing else", () => {
    expect(parseProfile("https://www.credly.com/users/jane-doe")).toBe("jane-doe");
    expect(parseProfile("credly.com/users/jane-doe/badges")).toBe("jane-doe");
    expect(parseProfile("<https://www.credly.com/users/jane-doe/>")).toBe("jane-doe");
    expect(parseProfile("jane-doe")).toBe("jane-doe");
    expect(parseProfile("https://evil.example/users/jane-doe")).toBeNull();
    expect(parseProfile("https://www.credly.com/badges/123")).toBeNull();
    expect(parseProfile("<@U123> hi")).toBeNull();
  });

  it("compares names without case, accents or a middle name", () => {
    expect(sameName("José Álvarez", "jose alvarez")).toBe(true);
    expect(sameName("Jane Q. Doe", "Jane Doe")).toBe(true);
    expect(sameName("John Doe", "Jane Doe")).toBe(false);
  });
});

describe("Credly profiles complete goals by themselves", () => {
  let t: TestDatabase;
  let credly: Awaited<ReturnType<typeof startPretendCredly>>;
  let backend: QueueBackend;
  const running: RunningJobs[] = [];
  let queue: ReturnType<typeof createJobQueue>;
  let core: Core;
  const sent: { userId: number; message: Message }[] = [];
  const messenger: Messenger = {
    async send(to, message) {
      if (to.kind === "user") sent.push({ userId: to.userId, message });
      return { ref: String(sent.length) };
    },
    async update() {},
  };
  const clock = new ManualClock("2026-12-01T08:00:00Z");
  const jane = person("UJANE", "Jane Doe");
  let janeId = 0;

  const messagesTo = (userId: number) => sent.filter((s) => s.userId === userId);
  /** The first message to the person from index `after` on that says `words`. */
  const nextMessage = async (userId: number, after: number, words: string) =>
    until(
      () =>
        messagesTo(userId)
          .slice(after)
          .find((m) => messageText(m.message).includes(words))?.message,
    );
  const completions = () =>
    t.db
      .selectFrom("completions")
      .innerJoin("goals", "goals.id", "completions.goal_id")
      .select(["goals.title", "completions.evidence_url", "completions.verification_status"])
      .orderBy("completions.id")
      .execute();

  beforeAll(async () => {
    t = await createTestDatabase("credly");
    credly = await startPretendCredly();
    backend = await redisBackend({
      url: TEST_REDIS_URL,
      prefix: `tcredly${randomBytes(4).toString("hex")}`,
    });
    const loopback = { allowRanges: ["127.0.0.1/32"], resolve: noDns };
    const modules = [
      createVerificationJobs({ ...loopback, ...QUIET }),
      createCredlyJobs({ ...loopback, hosts: { web: credly.base }, dailyPattern: "0 5 29 2 *" }),
    ];
    const logger = createLogger("silent");
    for (const m of modules)
      running.push(await m.start({ db: t.db, clock, backend, messenger, logger }));
    queue = createJobQueue(backend, modules);
    core = createCore({ db: t.db, clock, jobs: queue });
    await t.db
      .updateTable("credentials")
      .set({ credly_templates: ["tmpl-gpm"] })
      .where("title", "=", "Google Project Management Certificate")
      .execute();
    credly.profiles.set("jane-doe", [
      {
        id: "b-gpm",
        name: "Project Management (Google)",
        templateId: "tmpl-gpm",
        issuedTo: "Jane Doe",
        email: "ujane@example.test",
      },
      {
        id: "b-ai",
        name: "AI For Everyone Specialization",
        templateId: "tmpl-ai",
        issuedTo: "Jane Doe",
        email: "ujane@example.test",
      },
      {
        id: "b-knit",
        name: "Narwhal Knitting",
        templateId: "tmpl-knit",
        issuedTo: "Jane Doe",
        email: "ujane@example.test",
      },
    ]);
    await core.command(jane, "goal Google Project Management Certificate");
    await core.command(jane, "goal AI for Everyone");
    janeId = (
      await t.db
        .selectFrom("users")
        .where("platform_user_id", "=", "UJANE")
        .select("id")
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(async () => {
    for (const r of running) await r.stop();
    await queue?.close();
    await backend?.close();
    await credly?.close();
    await t?.drop();
  });

  it("connects, completes the mapped goal with the badge, verified, and asks or offers the rest", async () => {
    expect(text(await core.command(jane, "connect credly jane-doe"))).toContain(
      "Reading the Credly profile jane-doe",
    );
    const message = await nextMessage(janeId, 0, "Credly");
    const shown = messageText(message);
    expect(shown).toContain("Connected your Credly profile jane-doe");
    expect(shown).toContain(
      "Google Project Management Certificate is completed with your Credly badge Project Management (Google)",
    );
    expect(shown).toContain(
      "Is your Credly badge AI For Everyone Specialization for your goal AI for Everyone?",
    );
    expect(shown).toContain(
      "Narwhal Knitting from Example Learning Co. matches none of your goals",
    );
    // Checked as an uploaded badge is: the assertion is valid and issued to Jane. A ✓ also needs
    // an issuer bound to its own domain, which a loopback issuer never is.
    const checked = await until(async () => {
      const c = await t.db
        .selectFrom("completions")
        .select(["evidence_url", "verdict", "recipient_match", "checked_at"])
        .orderBy("id")
        .executeTakeFirst();
      return c?.checked_at ? c : undefined;
    });
    expect(checked).toMatchObject({
      evidence_url: `${credly.base}/badges/b-gpm`,
      verdict: "valid",
      recipient_match: true,
    });
    expect(credly.requests).toContain("/badges/b-gpm");

    // The likely match, confirmed.
    const [yes, no] = buttonsOf(message).filter((b) => b.value.includes("b-ai"));
    expect(no?.label).toBe("No");
    expect(text(await core.action(jane, yes!.action, yes!.value))).toContain(
      "AI for Everyone is completed with your Credly badge",
    );
    // A second click finds it done.
    expect(text(await core.action(jane, yes!.action, yes!.value))).toContain(
      "already taken care of",
    );

    // The unmatched badge, added to the record as a goal of its own.
    const add = buttonsOf(message).find(
      (b) => b.value.includes("b-knit") && b.label.startsWith("Add"),
    )!;
    expect(text(await core.action(jane, add.action, add.value))).toContain(
      "Narwhal Knitting is completed",
    );
    const done = await completions();
    expect(done.map((c) => c.title)).toEqual([
      "Google Project Management Certificate",
      "AI for Everyone",
      "Narwhal Knitting",
    ]);
    expect(done.map((c) => c.evidence_url)).toEqual([
      `${credly.base}/badges/b-gpm`,
      `${credly.base}/badges/b-ai`,
      `${credly.base}/badges/b-knit`,
    ]);
  });

  it("completes nothing twice: /learn sync finds no new badges", async () => {
    const before = messagesTo(janeId).length;
    expect(text(await core.command(jane, "sync"))).toContain("Reading jane-doe on Credly now");
    const message = await nextMessage(janeId, before, "jane-doe");
    expect(messageText(message)).toContain("No new badges on jane-doe");
    expect(await completions()).toHaveLength(3);
  });

  it("reads every linked profile on the daily run, and completes a goal the morning after", async () => {
    await core.command(jane, "goal Prompt Engineering for ChatGPT");
    credly.profiles.get("jane-doe")!.push({
      id: "b-pe",
      name: "Prompt Engineering for ChatGPT",
      templateId: "tmpl-pe",
      issuedTo: "Jane Doe",
      email: "ujane@example.test",
    });
    const before = messagesTo(janeId).length;
    await queue.enqueue(CREDLY_DAILY_JOB, {});
    const message = await nextMessage(janeId, before, "Credly");
    expect(messageText(message)).toContain("Prompt Engineering for ChatGPT is completed");
    expect(messageText(message)).not.toContain("Connected");
    expect(await completions()).toHaveLength(4);
  });

  it("checks an expired badge as an uploaded one is: the goal completes, the check says expired", async () => {
    await core.command(jane, "goal Data Analysis with Python");
    credly.profiles.get("jane-doe")!.push({
      id: "b-dap",
      name: "Data Analysis with Python",
      templateId: "tmpl-dap",
      issuedTo: "Jane Doe",
      email: "ujane@example.test",
      expires: "2026-11-30T12:00:00Z",
    });
    const before = messagesTo(janeId).length;
    // A sync is queued once a minute at most.
    clock.advance(60_000);
    expect(text(await core.command(jane, "sync"))).toContain("Reading jane-doe on Credly now");
    const message = await nextMessage(janeId, before, "Data Analysis with Python");
    expect(messageText(message)).toContain("Data Analysis with Python is completed");
    const checked = await until(async () => {
      const c = await t.db
        .selectFrom("completions")
        .where("evidence_url", "=", `${credly.base}/badges/b-dap`)
        .select(["verdict", "reasons", "checked_at"])
        .executeTakeFirst();
      return c?.checked_at ? c : undefined;
    });
    expect(checked.verdict).toBe("invalid");
    expect(JSON.stringify(checked.reasons)).toContain("time.expired");
  });

  it("asks before linking a profile in someone else's name, and disconnects on no", async () => {
    const bob = person("UBOB", "Bob Smith");
    await core.command(bob, "connect credly https://www.credly.com/users/jane-doe");
    const bobId = (
      await t.db
        .selectFrom("users")
        .where("platform_user_id", "=", "UBOB")
        .select("id")
        .executeTakeFirstOrThrow()
    ).id;
    const ask = await nextMessage(bobId, 0, "profile");
    expect(messageText(ask)).toContain("are issued to Jane Doe. Is it your profile?");
    // Jane's five completions so far; Bob's unconfirmed profile completes nothing.
    expect(await completions()).toHaveLength(5);
    const no = buttonsOf(ask).find((b) => b.label.startsWith("No"))!;
    expect(text(await core.action(bob, no.action, no.value))).toContain("Disconnected jane-doe");
    const links = await t.db.selectFrom("credly_links").select("user_id").execute();
    expect(links.map((l) => l.user_id)).toEqual([janeId]);
  });

  it("says so when the profile does not exist, and refuses what is not a profile", async () => {
    const ann = person("UANN", "Ann Lee");
    expect(text(await core.command(ann, "connect credly https://evil.example/users/x"))).toContain(
      "isn't a Credly profile",
    );
    await core.command(ann, "connect credly nobody-here");
    const annId = (
      await t.db
        .selectFrom("users")
        .where("platform_user_id", "=", "UANN")
        .select("id")
        .executeTakeFirstOrThrow()
    ).id;
    expect(messageText(await nextMessage(annId, 0, "Credly"))).toContain(
      "couldn't find a public Credly profile called nobody-here",
    );
  });

  it("stops reading a disconnected profile", async () => {
    expect(text(await core.command(jane, "disconnect credly"))).toContain(
      "Disconnected the Credly profile jane-doe",
    );
    const requests = credly.requests.length;
    await queue.enqueue(CREDLY_DAILY_JOB, {}, { id: "daily-after-disconnect" });
    await new Promise((r) => setTimeout(r, 500));
    expect(credly.requests.length).toBe(requests);
    expect(text(await core.command(jane, "sync"))).toContain("No Credly profile is connected");
  });
});
