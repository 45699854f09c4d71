import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type QueueBackend, redisBackend } from "../../jobs/backend.ts";
import { createJobQueue, type RunningJobs } from "../../jobs/registry.ts";
import { createVerificationJobs, VERIFICATION_QUEUE } from "../../jobs/verification/index.ts";
import type { Actor, Core } from "../../src/commands/core.ts";
import { createCore } from "../../src/commands/router.ts";
import {
  recheckRevocations,
  recheckTrust,
  sendExpiryReminders,
  type VerificationDeps,
  verifyCompletion,
} from "../../src/domain/verification/checks.ts";
import { createSafeFetch } from "../../src/domain/verification/index.ts";
import { attachBadgeFile, EXPIRY_JOB } from "../../src/domain/verification/service.ts";
import { createLogger } from "../../src/log.ts";
import { type Message, messageText, type Reply } from "../../src/messages/model.ts";
import { verificationWording } from "../../src/messages/verification.ts";
import type { Destination, Messenger } from "../../src/ports.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { TEST_REDIS_URL } from "../support/app.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

const FIXTURES = new URL("./fixtures/hosted/", import.meta.url);
const DAY = 86_400_000;
const BAKED_PNG = new URL("./fixtures/openbadges/ob30/simple-json.png", import.meta.url);
// Every name "resolves" to a documentation address, which the fetcher refuses: only the
// 127.0.0.1 fixtures are ever contacted.
const noDns = async () => [{ address: "192.0.2.1", family: 4 as const }];
// patterns that do not come round while the tests run: every run here is triggered by the test
const QUIET = {
  expiryPattern: "0 3 29 2 *",
  revocationPattern: "0 4 29 2 *",
  trustRecheckPattern: "0 5 29 2 *",
  lostChecksPattern: "0 6 29 2 *",
};

/** Serves the hosted-badge fixtures on 127.0.0.1, with their URLs pointing back at itself. */
async function startIssuer() {
  const state = { revoked: false, requests: 0 };
  let base = "";
  const server: Server = createServer((req, res) => {
    state.requests++;
    const name = (req.url ?? "/").slice(1);
    if (name === "slow.json") {
      // answers only after the check has given up
      setTimeout(() => res.writeHead(404).end(), 400);
      return;
    }
    if (name === "assertion.json" && state.revoked) {
      res.writeHead(410).end();
      return;
    }
    if (!/^[a-z-]+\.(json|html)$/.test(name)) {
      res.writeHead(404).end();
      return;
    }
    let body: string;
    try {
      body = readFileSync(new URL(name, FIXTURES), "utf8").replaceAll("{{BASE}}", base);
    } catch {
      res.writeHead(404).end();
      return;
    }
    const type = name.endsWith(".html") ? "text/html; charset=utf-8" : "application/ld+json";
    res.writeHead(200, { "content-type": type }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, state, close: () => new Promise((r) => server.close(r)) };
}

interface Sent {
  to: Destination;
  message: Message;
  text: string;
}

function fakeMessenger(): Messenger & { sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    async send(to, message) {
      sent.push({ to, message, text: messageText(message) });
      return { ref: String(sent.length) };
    },
    async update() {},
  };
}

function actor(user: string, email: string | null): Actor {
  return {
    platform: "slack",
    workspaceExternalId: "T1",
    userExternalId: user,
    profile: async () => ({ displayName: user, email, timeZone: "Europe/Berlin" }),
  };
}

const text = (reply: Reply) => {
  if (reply.kind !== "message") throw new Error(`got ${reply.kind}`);
  return messageText(reply.message);
};

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("verification jobs on PostgreSQL and Redis", () => {
  let t: TestDatabase;
  let issuer: Awaited<ReturnType<typeof startIssuer>>;
  let backend: QueueBackend;
  let running: RunningJobs;
  let queue: ReturnType<typeof createJobQueue>;
  let core: Core;
  let deps: VerificationDeps;
  const messenger = fakeMessenger();
  const clock = new ManualClock("2026-06-01T09:00:00Z");
  const alice = actor("UALICE", "Alice@Example.test");
  const bob = actor("UBOB", "bob@example.test");
  const logger = createLogger("silent");

  beforeAll(async () => {
    t = await createTestDatabase("verify_jobs");
    issuer = await startIssuer();
    backend = await redisBackend({
      url: TEST_REDIS_URL,
      prefix: `tverify${randomBytes(4).toString("hex")}`,
    });
    const module = createVerificationJobs({
      allowRanges: ["127.0.0.1/32"],
      resolve: noDns,
      ...QUIET,
    });
    running = await module.start({ db: t.db, clock, backend, messenger, logger });
    queue = createJobQueue(backend, [module]);
    core = createCore({ db: t.db, clock, jobs: queue });
    deps = {
      db: t.db,
      clock,
      messenger,
      wording: verificationWording,
      logger,
      fetch: createSafeFetch({ allowRanges: ["127.0.0.1/32"], resolve: noDns }),
    };
  });
  afterAll(async () => {
    await running?.stop();
    await queue?.close();
    await backend?.close();
    await issuer?.close();
    await t?.drop();
  });

  async function complete(who: Actor, goal: string, url: string | null) {
    expect(text(await core.command(who, `goal ${goal}`))).toContain("Goal set");
    return text(await core.command(who, `done ${goal}${url ? ` ${url}` : ""}`));
  }

  const completionOf = (title: string) =>
    t.db
      .selectFrom("completions")
      .innerJoin("goals", "goals.id", "completions.goal_id")
      .where("goals.title", "=", title)
      .selectAll("completions")
      .executeTakeFirstOrThrow();

  const dmsTo = async (who: Actor) => {
    const user = await t.db
      .selectFrom("users")
      .where("platform_user_id", "=", who.userExternalId)
      .select("id")
      .executeTakeFirstOrThrow();
    return messenger.sent.filter((s) => s.to.kind === "user" && s.to.userId === user.id);
  };

  it("schedules the expiry run, the revocation and trust re-checks and the lost-check sweep", async () => {
    const q = backend.queue(VERIFICATION_QUEUE);
    const schedulers = await q.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.pattern]).sort()).toEqual([
      ["verification-expiry-daily", QUIET.expiryPattern],
      ["verification-lost-checks", QUIET.lostChecksPattern],
      ["verification-revocation-weekly", QUIET.revocationPattern],
      ["verification-trust-recheck", QUIET.trustRecheckPattern],
    ]);
  });

  it("checks a badge link in a job, stores what it proves and DMs the result", async () => {
    const reply = await complete(alice, "Zebra grooming", `${issuer.base}/assertion.json`);
    expect(reply).toContain("unverified (checking…)");
    expect(reply).toContain("I'll message you what the check finds");

    // trusted and Alice's, but nothing says the badge is what her own goal was about
    const [ask] = await until(async () => {
      const dms = await dmsTo(alice);
      return dms.length > 0 ? dms : undefined;
    });
    expect(ask?.text).toContain(
      `I checked the badge for Zebra grooming, but it can't show as verified: this badge is "Cloud Practitioner & Friends" from 127.0.0.1; I can't tell by myself that it is what "Zebra grooming" was about.`,
    );
    // the command as a reference, which each platform's renderer spells with its command word
    expect(ask?.message.blocks).toContainEqual({
      type: "context",
      text: [
        "Next step: if it is, confirm it once with ",
        { command: "confirm Zebra grooming" },
        ", and it shows as verified under the badge's own name.",
      ],
    });
    expect(await completionOf("Zebra grooming")).toMatchObject({
      verification_status: "unverified",
      trusted: true,
      issuer_domain: "127.0.0.1",
      recipient_match: true,
      matches_credential: null,
      badge_confirmed_at: null,
    });
    expect(text(await core.command(alice, "showcase"))).toContain("Zebra grooming · unverified");

    expect(text(await core.command(alice, "confirm zebra"))).toContain("Thanks. I'm checking");
    const dm = await until(async () => (await dmsTo(alice))[1]);
    expect(dm?.text).toContain(
      "✓ Verified — Cloud Practitioner & Friends · issued by 127.0.0.1. It shows as verified now.",
    );
    expect(dm?.text).toContain("Issuer: 127.0.0.1 (proven)");
    expect(dm?.text).toContain("Recipient: Awarded to your email address");
    expect(dm?.text).toContain("Issued: 15 January 2026");
    expect(dm?.text).toContain("Expires: 31 January 2027");
    expect(dm?.text).not.toContain("What failed");
    expect(dm?.text).toContain(`Checked ${issuer.base}/assertion.json · Add to LinkedIn profile`);

    const row = await completionOf("Zebra grooming");
    expect(row).toMatchObject({
      verification_status: "verified",
      verdict: "valid",
      credential_kind: "ob2",
      issuer_name: "Example Learning Co.",
      issuer_id: `${issuer.base}/issuer.json`,
      issuer_url: `${issuer.base}/`,
      achievement_name: "Cloud Practitioner & Friends",
      issued_on: new Date("2026-01-15T10:00:00Z"),
      expires_at: new Date("2027-01-31T12:00:00Z"),
      recipient_match: true,
      checked_at: clock.now(),
      revoked_at: null,
      trusted: true,
      matches_credential: true,
      badge_confirmed_at: clock.now(),
    });
    expect(row.reasons).toEqual([expect.objectContaining({ code: "recipient.match" })]);
    expect(row.raw_credential).toMatchObject({
      type: "Assertion",
      id: `${issuer.base}/assertion.json`,
    });
  });

  it("says plainly what failed when the badge belongs to someone else", async () => {
    await complete(bob, "Yak shaving", `${issuer.base}/assertion.json`);
    const [dm] = await until(async () => {
      const dms = await dmsTo(bob);
      return dms.length > 0 ? dms : undefined;
    });
    expect(dm?.text).toContain("✗ I couldn't verify the badge for Yak shaving");
    expect(dm?.text).toContain("Recipient: Awarded to someone else, not bob@example.test");
    expect(dm?.text).toContain("What failed");
    const row = await completionOf("Yak shaving");
    expect(row).toMatchObject({
      verification_status: "invalid",
      verdict: "invalid",
      recipient_match: false,
    });
    expect((row.reasons as { code: string }[]).map((r) => r.code)).toContain("recipient.mismatch");
  });

  it("stores an HTML certificate page as link only, never as verified", async () => {
    await complete(bob, "Walrus diplomacy", `${issuer.base}/certificate.html`);
    const dm = await until(async () => (await dmsTo(bob)).find((d) => d.text.includes("Walrus")));
    expect(dm.text).toContain("not an Open Badge");
    expect(dm.text).toContain("link only");
    expect(await completionOf("Walrus diplomacy")).toMatchObject({
      verification_status: "link_only",
      credential_kind: "link_only",
    });
  });

  it("retries an unreachable link and leaves it unverified on the last attempt", async () => {
    const me = actor("UCAROL", "carol@example.test");
    const plain = createCore({ db: t.db, clock });
    expect(text(await plain.command(me, "goal Otter tax law"))).toContain("Goal set");
    // no job queue: the completion is saved and simply stays unverified
    const reply = text(await plain.command(me, `done otter ${issuer.base}/missing.json`));
    expect(reply).not.toContain("checking");
    const row = await completionOf("Otter tax law");
    expect(row.verification_status).toBe("unverified");

    await expect(verifyCompletion(deps, row.id, { lastAttempt: false })).rejects.toThrow(/retry/);
    expect((await completionOf("Otter tax law")).checked_at).toBeNull();
    const result = await verifyCompletion(deps, row.id, { lastAttempt: true });
    expect(result?.reasons.map((r) => r.code)).toEqual(["fetch.failed"]);
    expect((await completionOf("Otter tax law")).verification_status).toBe("unverified");
    const dms = await dmsTo(me);
    expect(dms).toHaveLength(1);
    expect(dms[0]?.text).toContain("its link could not be loaded");
    // a second run of the same job reports nothing new
    await verifyCompletion(deps, row.id, { lastAttempt: true });
    expect(await dmsTo(me)).toHaveLength(1);
  });

  it("gives up on a check that takes too long: retried first, unverified on the last attempt", async () => {
    const me = actor("UDAVE", "dave@example.test");
    const plain = createCore({ db: t.db, clock });
    expect(text(await plain.command(me, "goal Lemur accounting"))).toContain("Goal set");
    await plain.command(me, `done lemur ${issuer.base}/slow.json`);
    const row = await completionOf("Lemur accounting");
    const impatient = { ...deps, timeoutMs: 100 };
    await expect(verifyCompletion(impatient, row.id, { lastAttempt: false })).rejects.toThrow(
      /took over 100 ms/,
    );
    const result = await verifyCompletion(impatient, row.id, { lastAttempt: true });
    expect(result?.reasons.map((r) => r.code)).toEqual(["fetch.failed"]);
    expect((await completionOf("Lemur accounting")).verification_status).toBe("unverified");
    expect((await dmsTo(me))[0]?.text).toContain("Checking the badge took too long");
  });

  it("checks a baked badge file shared after completing, with no link at all", async () => {
    const me = actor("UERIN", "erin@example.test");
    expect(await complete(me, "Puffin law", null)).toContain("Add your badge or certificate link");
    const user = await t.db
      .selectFrom("users")
      .where("platform_user_id", "=", "UERIN")
      .select("id")
      .executeTakeFirstOrThrow();
    const png = new Uint8Array(readFileSync(BAKED_PNG));
    expect(await attachBadgeFile(t.db, queue, user.id, png)).toEqual({
      goalTitle: "Puffin law",
      status: "pending",
    });
    const dm = await until(async () => (await dmsTo(me))[0]);
    // conformant, but its key is only written into its name and nobody can say it is erin's
    expect(dm.text).toContain(
      "I checked the badge for Puffin law, but it can't show as verified: I can't tell that its issuer really issued this badge",
    );
    expect(dm.text).toContain('Issuer: not proven (the badge says "Example Corp")');
    const row = await completionOf("Puffin law");
    expect(row).toMatchObject({
      verification_status: "unverified",
      verdict: "warning",
      trusted: false,
      issuer_domain: null,
      recipient_match: null,
      credential_kind: "ob3",
      evidence_url: null,
      achievement_name: "Teamwork",
    });
    expect((row.trust_reasons as { code: string }[]).map((r) => r.code)).toContain("key.unbound");
    expect((row.raw_credential as { type: string[] }).type).toContain("OpenBadgeCredential");
    // sharing the same file again checks it again and answers again
    expect(await attachBadgeFile(t.db, queue, user.id, png)).toEqual({
      goalTitle: "Puffin law",
      status: "pending",
    });
    await until(async () => (await dmsTo(me))[1]);
    expect((await completionOf("Puffin law")).verification_status).toBe("unverified");
  });

  it("re-checks completions verified before the trust rules once, and tells the owner kindly", async () => {
    const me = actor("UERIN", "erin@example.test");
    const row = await completionOf("Puffin law");
    // as the migration leaves a completion shown as verified under the old rules
    await t.db
      .updateTable("completions")
      .set({ verification_status: "warning", trusted: null, trust_recheck_due: true })
      .where("id", "=", row.id)
      .execute();
    const before = (await dmsTo(me)).length;
    expect(await recheckTrust(deps)).toBe(1);
    expect(await recheckTrust(deps)).toBe(0);
    const notes = (await dmsTo(me)).slice(before);
    expect(notes).toHaveLength(1);
    expect(notes[0]?.text).toContain("A note about Puffin law");
    expect(notes[0]?.text).toContain("So it no longer shows as verified.");
    expect(notes[0]?.text).toContain("your completion and your progress stay");
    expect(await completionOf("Puffin law")).toMatchObject({
      verification_status: "unverified",
      trusted: false,
      trust_recheck_due: false,
    });
    // a completion that still holds keeps its ✓ and hears nothing
    const zebra = await completionOf("Zebra grooming");
    await t.db
      .updateTable("completions")
      .set({ trust_recheck_due: true })
      .where("id", "=", zebra.id)
      .execute();
    const alices = (await dmsTo(alice)).length;
    expect(await recheckTrust(deps)).toBe(0);
    expect(await dmsTo(alice)).toHaveLength(alices);
    expect(await completionOf("Zebra grooming")).toMatchObject({
      verification_status: "verified",
      trust_recheck_due: false,
    });
  });

  it("reminds once 30 days and once 7 days before a verified credential expires", async () => {
    const reminders = async () =>
      (await dmsTo(alice)).filter((d) => d.text.includes("expires in")).map((d) => d.text);
    const expires = new Date("2027-01-31T12:00:00Z").getTime();

    clock.set(new Date(expires - 31 * DAY));
    expect(await sendExpiryReminders(deps)).toBe(0);

    clock.set(new Date(expires - 30 * DAY));
    // the first run goes through the queue, as the scheduler would start it
    await queue.enqueue(EXPIRY_JOB, {}, { id: "expiry-test-1" });
    const [first] = await until(async () => {
      const r = await reminders();
      return r.length > 0 ? r : undefined;
    });
    expect(first).toContain(
      "⏳ Your credential Cloud Practitioner & Friends from 127.0.0.1 expires in 30 days, on 31 January 2027.",
    );
    expect(await sendExpiryReminders(deps)).toBe(0);

    clock.set(new Date(expires - 12 * DAY));
    expect(await sendExpiryReminders(deps)).toBe(0);

    clock.set(new Date(expires - 7 * DAY));
    expect(await sendExpiryReminders(deps)).toBe(1);
    expect(await sendExpiryReminders(deps)).toBe(0);
    clock.set(new Date(expires - 1 * DAY));
    expect(await sendExpiryReminders(deps)).toBe(0);
    clock.set(new Date(expires + DAY));
    expect(await sendExpiryReminders(deps)).toBe(0);

    const sent = await reminders();
    expect(sent).toHaveLength(2);
    expect(sent[1]).toContain("expires in 7 days, on 31 January 2027");
    // bob's invalid badge expires on the same day and is never reminded of
    expect((await dmsTo(bob)).filter((d) => d.text.includes("expires in"))).toHaveLength(0);
    const row = await completionOf("Zebra grooming");
    const kinds = await t.db
      .selectFrom("verification_deliveries")
      .where("completion_id", "=", row.id)
      .select(["kind", "key"])
      .orderBy("id")
      .execute();
    expect(kinds).toEqual([
      { kind: "result", key: expect.stringMatching(`^${issuer.base}/assertion.json#`) },
      { kind: "result", key: expect.stringMatching(`^${issuer.base}/assertion.json#`) },
      { kind: "expiry_30", key: "2027-01-31T12:00:00.000Z" },
      { kind: "expiry_7", key: "2027-01-31T12:00:00.000Z" },
    ]);
  });

  it("shows each completed credential with its LinkedIn link and résumé line", async () => {
    clock.set("2026-12-15T10:00:00Z");
    expect(text(await core.command(alice, "goal Narwhal knitting"))).toContain("Goal set");
    expect(text(await core.command(alice, "done narwhal"))).toContain(
      "Add your badge or certificate link any time",
    );

    const reply = await core.command(alice, "showcase");
    if (reply.kind !== "message") throw new Error(reply.kind);
    const links = reply.message.blocks.flatMap((b) =>
      b.type === "context"
        ? b.text.flatMap((x) => (typeof x === "object" && "link" in x ? [x.link] : []))
        : [],
    );
    const certUrl = encodeURIComponent(`${issuer.base}/assertion.json`);
    expect(links).toEqual([
      "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=Cloud%20Practitioner%20%26%20Friends&organizationName=127.0.0.1&issueYear=2026&issueMonth=1&expirationYear=2027&expirationMonth=1" +
        `&certUrl=${certUrl}`,
      // no evidence, no expiry: those parameters are left out; December is month 12
      "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=Narwhal%20knitting&issueYear=2026&issueMonth=12",
    ]);
    const shown = messageText(reply.message);
    expect(shown).toContain("Cloud Practitioner & Friends — 127.0.0.1 · ✓ verified");
    expect(shown).toContain(
      `Cloud Practitioner & Friends — 127.0.0.1, January 2026, verify at ${issuer.base}/assertion.json`,
    );
    expect(shown).toContain("Narwhal knitting · unverified");
    expect(shown).toContain("Narwhal knitting, December 2026");

    const bobs = messageText(
      ((await core.command(bob, "showcase")) as { message: Message }).message,
    );
    expect(bobs).toContain("Walrus diplomacy · link only");
    // someone else's badge lends the goal neither its name nor its link
    expect(bobs).toContain("Yak shaving · unverified\nYak shaving, June 2026\n");
    expect(bobs).not.toContain("Cloud Practitioner");
  });

  it("re-checks verified credentials weekly and tells the owner once when one is revoked", async () => {
    clock.set("2026-12-20T06:00:00Z");
    const before = issuer.state.requests;
    expect(await recheckRevocations(deps)).toBe(0);
    expect(issuer.state.requests).toBeGreaterThan(before);
    expect((await completionOf("Zebra grooming")).checked_at).toEqual(clock.now());

    issuer.state.revoked = true;
    clock.set("2026-12-27T06:00:00Z");
    expect(await recheckRevocations(deps)).toBe(1);
    expect(await recheckRevocations(deps)).toBe(0);
    const notices = (await dmsTo(alice)).filter((d) => d.text.includes("revoked"));
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toContain(
      "⚠️ The issuer has revoked your credential Cloud Practitioner & Friends from 127.0.0.1",
    );
    expect(await completionOf("Zebra grooming")).toMatchObject({
      verification_status: "invalid",
      verdict: "invalid",
      revoked_at: new Date("2026-12-27T06:00:00Z"),
    });
    const shown = messageText(
      ((await core.command(alice, "showcase")) as { message: Message }).message,
    );
    expect(shown).toContain("· unverified (revoked by the issuer)");
    expect(shown).toContain(
      "Zebra grooming · unverified (revoked by the issuer)\nZebra grooming, June 2026\n",
    );
    // a revoked credential is not offered for a profile; only Narwhal's link remains
    expect(shown.match(/Add to LinkedIn profile/g)).toHaveLength(1);
  });
});
