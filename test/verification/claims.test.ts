import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDatabase, type DatabaseHandle } from "../../src/db/database.ts";
import {
  CheckBusyError,
  recheckTrust,
  type VerificationDeps,
  verifyCompletion,
} from "../../src/domain/verification/checks.ts";
import { VerificationRepository } from "../../src/domain/verification/repository.ts";
import {
  attachBadgeFile,
  requeueLostChecks,
  type VerifyJobData,
} from "../../src/domain/verification/service.ts";
import type { FetchedResource, Fetcher } from "../../src/domain/verification/types.ts";
import { createLogger } from "../../src/log.ts";
import { type Message, messageText } from "../../src/messages/model.ts";
import { verificationWording } from "../../src/messages/verification.ts";
import type { JobQueue, Messenger } from "../../src/ports.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from "../support/db.ts";
import { seedCompletion, seedPerson } from "../support/seed.ts";

const BASE = "https://issuer.example";
const FIXTURES = new URL("./fixtures/hosted/", import.meta.url);
const fixture = (name: string) =>
  readFileSync(new URL(name, FIXTURES), "utf8").replaceAll("{{BASE}}", BASE);
// The badge file a person shares: the hosted assertion's JSON (its hashed recipient is Alice's).
const FILE = new TextEncoder().encode(fixture("assertion.json"));
const OTHER_FILE = new TextEncoder().encode(
  fixture("assertion.json").replace("2026-01-15", "2026-01-16"),
);
const MIN = 60_000;

/**
 * The issuer's documents from memory, as if fetched over https from issuer.example. While `gate`
 * is set, every request waits for it, so a test can hold a check in the middle of its work.
 */
function issuer() {
  const state = { requests: 0, gate: null as Promise<void> | null };
  const fetch: Fetcher = async (url) => {
    state.requests++;
    if (state.gate) await state.gate;
    const name = url.startsWith(`${BASE}/`) ? url.slice(BASE.length + 1) : "";
    const found = /^[a-z]+\.json$/.test(name);
    const resource: FetchedResource = {
      url,
      finalUrl: url,
      status: found ? 200 : 404,
      contentType: "application/ld+json",
      body: new TextEncoder().encode(found ? fixture(name) : ""),
    };
    return resource;
  };
  return { state, fetch };
}

function messenger(): Messenger & { sent: Message[] } {
  const sent: Message[] = [];
  return {
    sent,
    async send(_to, message) {
      sent.push(message);
      return { ref: String(sent.length) };
    },
    async update() {},
  };
}

describe("one badge check of a completion at a time, across workers", () => {
  let t: TestDatabase;
  // a second worker: its own connection pool to the same schema
  let other: DatabaseHandle;
  let userId: number;
  const clock = new ManualClock("2026-06-01T09:00:00Z");
  const queued: { data: VerifyJobData }[] = [];
  const jobs: JobQueue = {
    async enqueue(_job, data) {
      queued.push({ data: data as unknown as VerifyJobData });
    },
  };

  beforeAll(async () => {
    t = await createTestDatabase("verification_claims");
    other = createDatabase({ connectionString: TEST_DATABASE_URL, schema: t.schema, max: 2 });
    ({ userId } = await seedPerson(t.db, {
      workspace: "T1",
      user: "U1",
      name: "Alice",
      email: "Alice@Example.test",
    }));
  });
  afterAll(async () => {
    await other?.close();
    await t?.drop();
  });
  beforeEach(() => {
    queued.length = 0;
  });

  /** A completed goal with no link, as after `done <goal>`; returns its completion id. */
  function completion(title: string): Promise<number> {
    return seedCompletion(t.db, userId, { title, completedAt: clock.now() });
  }

  const workers = (fetch: Fetcher) => {
    const sent = messenger();
    const deps = (db: TestDatabase["db"]): VerificationDeps => ({
      db,
      clock,
      messenger: sent,
      wording: verificationWording,
      logger: createLogger("silent"),
      fetch,
    });
    return { sent, a: deps(t.db), b: deps(other.db) };
  };

  const row = (id: number) =>
    t.db
      .selectFrom("completions")
      .select(["verification_status", "trusted", "badge_file"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();

  it("two workers checking the same shared file at once check it once and answer once", async () => {
    const id = await completion("Cloud");
    expect(await attachBadgeFile(t.db, jobs, userId, FILE, clock.now())).toMatchObject({
      status: "pending",
    });
    expect((await row(id)).badge_file).not.toBeNull();
    const { state, fetch } = issuer();
    const { sent, a, b } = workers(fetch);
    let open = () => {};
    state.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    // the job and its re-queued copy, both without the file: each reads the one kept
    const checks = [
      verifyCompletion(a, id, { shareId: "s1" }),
      verifyCompletion(b, id, { shareId: "s2" }),
    ];
    // the one that could not claim the check returns while the other is held mid-fetch
    const first = await Promise.race(checks.map((p, i) => p.then((r) => ({ i, r }))));
    expect(first.r).toBeNull();
    // the holder reaches its first fetch (it may still be loading what it checks against)
    while (state.requests === 0) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    expect(state.requests).toBe(1);
    open();
    state.gate = null;
    const done = await checks[1 - first.i]!;
    expect(done?.verdict).toBe("valid");
    // assertion, badge class and issuer: one check's worth of requests
    expect(state.requests).toBe(3);
    expect(sent.sent).toHaveLength(1);
    expect(messageText(sent.sent[0]!)).toContain("I checked the badge for Cloud");
    expect(await row(id)).toMatchObject({
      verification_status: "unverified",
      trusted: true,
      badge_file: null,
    });
    expect(await t.db.selectFrom("verification_claims").selectAll().execute()).toEqual([]);
  });

  it("a check of another badge of the same completion waits for the running one", async () => {
    const id = await completion("Kotlin");
    await attachBadgeFile(t.db, jobs, userId, FILE, clock.now());
    const { state, fetch } = issuer();
    const { sent, a, b } = workers(fetch);
    let open = () => {};
    state.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const running = verifyCompletion(a, id, { file: FILE, shareId: "s1" });
    while (state.requests === 0) await new Promise((r) => setTimeout(r, 10));
    // not the last attempt: thrown, so the queue tries it again later
    await expect(
      verifyCompletion(b, id, { file: OTHER_FILE, shareId: "s2", lastAttempt: false }),
    ).rejects.toBeInstanceOf(CheckBusyError);
    // the last attempt: nothing done, the sweep finds it later
    expect(await verifyCompletion(b, id, { file: OTHER_FILE, shareId: "s2" })).toBeNull();
    expect(state.requests).toBe(1);
    open();
    state.gate = null;
    expect((await running)?.verdict).toBe("valid");
    expect(sent.sent).toHaveLength(1);
    // released: the other badge is checked now
    expect(
      (await verifyCompletion(b, id, { file: OTHER_FILE, shareId: "s2", lastAttempt: false }))
        ?.verdict,
    ).toBe("valid");
    expect(sent.sent).toHaveLength(2);
  });

  it("takes over a crashed worker's claim once it lapses, and the sweep leaves a live one alone", async () => {
    const id = await completion("Go");
    await attachBadgeFile(t.db, jobs, userId, FILE, new Date(clock.now().getTime() - 45 * MIN));
    const repo = new VerificationRepository(t.db);
    const now = clock.now();
    expect(
      await repo.claimCheck(id, "file:dead", "crashed", now, new Date(now.getTime() + 5 * MIN)),
    ).toBe("claimed");
    // pending for 45 minutes, but a worker holds it: not lost
    expect(await requeueLostChecks(t.db, jobs, now)).toBe(0);
    const { fetch } = issuer();
    const { sent, a } = workers(fetch);
    await expect(verifyCompletion(a, id, { lastAttempt: false })).rejects.toBeInstanceOf(
      CheckBusyError,
    );
    clock.advance(6 * MIN);
    expect((await verifyCompletion(a, id, { lastAttempt: false }))?.verdict).toBe("valid");
    expect(sent.sent).toHaveLength(1);
    expect(await t.db.selectFrom("verification_claims").selectAll().execute()).toEqual([]);
  });
});

describe("a shared badge file lost with its job", () => {
  let t: TestDatabase;
  let userId: number;
  const clock = new ManualClock("2026-06-01T09:00:00Z");
  const queued: VerifyJobData[] = [];
  const jobs: JobQueue = {
    async enqueue(_job, data) {
      queued.push(data as unknown as VerifyJobData);
    },
  };

  beforeAll(async () => {
    t = await createTestDatabase("verification_lost_file");
    ({ userId } = await seedPerson(t.db, {
      workspace: "T1",
      user: "U1",
      name: "Alice",
      email: "Alice@Example.test",
    }));
  });
  afterAll(() => t?.drop());

  function completion(title: string): Promise<number> {
    return seedCompletion(t.db, userId, { title, completedAt: clock.now() });
  }

  it("is checked from the copy kept on the completion when the sweep queues it again", async () => {
    const id = await completion("Cloud");
    await attachBadgeFile(t.db, jobs, userId, FILE, clock.now());
    expect(queued).toHaveLength(1);
    // the job is lost (Redis restarted); half an hour later the sweep queues it again
    clock.advance(45 * MIN);
    expect(await requeueLostChecks(t.db, jobs, clock.now())).toBe(1);
    const requeued = queued[1]!;
    expect(requeued.file).toBeUndefined();
    const { fetch } = issuer();
    const sent = messenger();
    const deps: VerificationDeps = {
      db: t.db,
      clock,
      messenger: sent,
      wording: verificationWording,
      logger: createLogger("silent"),
      fetch,
    };
    const result = await verifyCompletion(deps, id, { shareId: requeued.shareId! });
    expect(result?.trust.trusted).toBe(true);
    expect(result?.recipientMatch).toBe(true);
    expect(messageText(sent.sent[0]!)).toContain("I checked the badge for Cloud");
    const stored = await t.db
      .selectFrom("completions")
      .select(["verification_status", "badge_file", "raw_credential"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    // checked: the file goes, the credential it held stays for later re-checks
    expect(stored.badge_file).toBeNull();
    expect(stored.raw_credential).toMatchObject({ id: `${BASE}/assertion.json` });
  });

  it("with nothing kept (queued before files were kept), asks the person to share it again", async () => {
    const id = await completion("Kotlin");
    const repo = new VerificationRepository(t.db);
    await repo.setStatus(id, "pending", new Date(clock.now().getTime() - 45 * MIN));
    const { state, fetch } = issuer();
    const sent = messenger();
    const deps: VerificationDeps = {
      db: t.db,
      clock,
      messenger: sent,
      wording: verificationWording,
      logger: createLogger("silent"),
      fetch,
    };
    expect(await verifyCompletion(deps, id, { shareId: "x" })).toBeNull();
    // a retry of the same job says nothing more
    expect(await verifyCompletion(deps, id, { shareId: "x" })).toBeNull();
    expect(state.requests).toBe(0);
    expect(sent.sent).toHaveLength(1);
    expect(sent.sent[0]!.summary).toBe("Please share your badge again: Kotlin");
    expect(messageText(sent.sent[0]!)).toContain(
      "I couldn't finish checking the badge you shared for Kotlin: the file was lost when Stackup restarted.",
    );
    const stored = await repo.find(id);
    expect(stored?.status).toBe("unverified");
    // no longer pending: the sweep does not queue it again and again
    expect(await requeueLostChecks(t.db, jobs, new Date(clock.now().getTime() + 60 * MIN))).toBe(0);
  });

  it("takes the ✓ from a completion verified before the trust rules with nothing to check it by", async () => {
    const id = await completion("Legacy");
    await t.db
      .updateTable("completions")
      .set({ verification_status: "verified", trusted: null, trust_recheck_due: true })
      .where("id", "=", id)
      .execute();
    const { state, fetch } = issuer();
    const deps: VerificationDeps = {
      db: t.db,
      clock,
      messenger: messenger(),
      wording: verificationWording,
      logger: createLogger("silent"),
      fetch,
    };
    await recheckTrust(deps);
    expect(state.requests).toBe(0);
    expect(
      await t.db
        .selectFrom("completions")
        .select(["verification_status", "trust_recheck_due"])
        .where("id", "=", id)
        .executeTakeFirstOrThrow(),
    ).toEqual({ verification_status: "unverified", trust_recheck_due: false });
  });
});
