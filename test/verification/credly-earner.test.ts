import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CredlyService } from "../../src/domain/credly/service.ts";
import { GoalService } from "../../src/domain/goals/service.ts";
import { type VerificationDeps, verifyCompletion } from "../../src/domain/verification/checks.ts";
import { credlyBadgeId } from "../../src/domain/verification/trust.ts";
import type { Fetcher } from "../../src/domain/verification/types.ts";
import { createLogger } from "../../src/log.ts";
import { type Message, messageText } from "../../src/messages/model.ts";
import { verificationWording } from "../../src/messages/verification.ts";
import type { JobQueue, Messenger } from "../../src/ports.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

const OB2 = "https://w3id.org/openbadges/v2";
const API = "https://api.credly.com/v1/obi/v2";
const ALICE_BADGE = "0a6f3c1e-1111-4a2b-9c3d-000000000001";
const ISSUER = `${API}/issuers/acme`;
const CLASS = `${API}/badge_classes/cloud`;

/** Credly as the badge checks and the profile reads see it, served from memory. */
function credly(): Fetcher {
  const salt = "s1";
  const hashed = `sha256$${createHash("sha256").update(`alice@personal.test${salt}`).digest("hex")}`;
  const docs = new Map<string, unknown>([
    [
      `${API}/badge_assertions/${ALICE_BADGE}`,
      {
        "@context": OB2,
        type: "Assertion",
        id: `${API}/badge_assertions/${ALICE_BADGE}`,
        // awarded to Alice's personal address, which Stackup does not know
        recipient: { type: "email", hashed: true, salt, identity: hashed },
        issuedOn: "2026-01-15T10:00:00Z",
        badge: CLASS,
        verification: { type: "hosted" },
      },
    ],
    [
      CLASS,
      {
        "@context": OB2,
        type: "BadgeClass",
        id: CLASS,
        name: "Cloud Basics",
        description: "Cloud basics.",
        criteria: { narrative: "Pass the exam." },
        issuer: ISSUER,
      },
    ],
    [ISSUER, { "@context": OB2, type: "Issuer", id: ISSUER, name: "Acme Academy", url: ISSUER }],
    [
      "https://www.credly.com/users/alice-e/badges.json",
      {
        data: [
          {
            id: ALICE_BADGE,
            state: "accepted",
            badge_template: { id: "tmpl-cloud", name: "Cloud Basics" },
            issued_to: "Alice Example",
          },
        ],
        metadata: { total_pages: 1 },
      },
    ],
  ]);
  return async (url) => {
    const doc = docs.get(url);
    return {
      url,
      finalUrl: url,
      status: doc ? 200 : 404,
      contentType: "application/json",
      body: new TextEncoder().encode(doc ? JSON.stringify(doc) : ""),
    };
  };
}

/**
 * A Credly badge counts as the person's when its recipient is an address of theirs Stackup does
 * not know only if their own Credly profile — proven theirs by the name on its badges — lists it.
 */
describe("the Credly earner as the badge's recipient", () => {
  let t: TestDatabase;
  const clock = new ManualClock("2026-06-01T09:00:00Z");
  const fetch = credly();
  const sent: { userId: number; message: Message }[] = [];
  const messenger: Messenger = {
    async send(to, message) {
      if (to.kind === "user") sent.push({ userId: to.userId, message });
      return { ref: String(sent.length) };
    },
    async update() {},
  };
  const queued: number[] = [];
  const jobs: JobQueue = {
    async enqueue(_job, data) {
      queued.push(Number((data as { completionId: number }).completionId));
    },
  };
  const deps = {
    db: undefined as unknown as VerificationDeps["db"],
    clock,
    messenger,
    wording: verificationWording,
    logger: createLogger("silent"),
    fetch,
  } satisfies VerificationDeps;
  let credentialId = 0;
  let workspaceId = 0;

  beforeAll(async () => {
    t = await createTestDatabase("verification_credly_earner");
    deps.db = t.db;
    const provider = await t.db
      .insertInto("providers")
      .values({ name: "Acme Academy", url: null, issuer_domains: ["credly.com"] })
      .returning("id")
      .executeTakeFirstOrThrow();
    const credential = await t.db
      .insertInto("credentials")
      .values({
        provider_id: provider.id,
        title: "Cloud Basics",
        url: "https://acme.example/cloud",
        estimated_hours: 10,
        cost_usd: 0,
        level: "beginner",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    credentialId = credential.id;
    const ws = await t.db
      .insertInto("workspaces")
      .values({ platform: "slack", external_id: "T1" })
      .returning("id")
      .executeTakeFirstOrThrow();
    workspaceId = ws.id;
  });
  afterAll(() => t?.drop());

  /** A person with an open goal for the catalog's Cloud Basics. */
  async function person(id: string, name: string) {
    const user = await t.db
      .insertInto("users")
      .values({
        workspace_id: workspaceId,
        platform_user_id: id,
        display_name: name,
        email: `${id.toLowerCase()}@work.test`,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const row = await t.db
      .selectFrom("users")
      .selectAll()
      .where("id", "=", user.id)
      .executeTakeFirstOrThrow();
    const created = await new GoalService(t.db, clock).create(row, {
      credential: {
        id: credentialId,
        title: "Cloud Basics",
        provider: "Acme Academy",
        url: "https://acme.example/cloud",
        estimatedHours: 10,
        skills: [],
        costUsd: 0,
        level: "beginner",
      },
      title: "Cloud Basics",
      targetDate: null,
      hoursPerWeek: null,
    });
    if ("error" in created) throw new Error(created.error);
    return row;
  }

  const outcome = async (userId: number) =>
    t.db
      .selectFrom("completions")
      .innerJoin("goals", "goals.id", "completions.goal_id")
      .select([
        "completions.id",
        "completions.verification_status",
        "completions.recipient_match",
        "completions.evidence_url",
      ])
      .where("goals.user_id", "=", userId)
      .executeTakeFirstOrThrow();

  it("knows a badge Credly serves by its id, and no look-alike", () => {
    expect(credlyBadgeId(`${API}/badge_assertions/${ALICE_BADGE}`)).toBe(ALICE_BADGE);
    expect(
      credlyBadgeId(
        `https://api.credly.com.evil.example/v1/obi/v2/badge_assertions/${ALICE_BADGE}`,
      ),
    ).toBeNull();
    expect(
      credlyBadgeId(`http://api.credly.com/v1/obi/v2/badge_assertions/${ALICE_BADGE}`),
    ).toBeNull();
  });

  it("verifies a badge from the person's own Credly profile, though issued to another address of theirs", async () => {
    const alice = await person("UALICE", "Alice Example");
    const service = new CredlyService({ db: t.db, clock, jobs });
    await service.connect(alice, "alice-e");
    const synced = await service.sync(alice.id, fetch);
    expect(synced).toMatchObject({ kind: "synced", completed: [{ badge: { id: ALICE_BADGE } }] });
    const done = await outcome(alice.id);
    expect(done.evidence_url).toBe(`https://www.credly.com/badges/${ALICE_BADGE}`);
    expect(queued).toContain(done.id);

    const result = await verifyCompletion(deps, done.id);
    expect(result?.recipientMatch).toBe(true);
    expect(result?.reasons.map((r) => r.code)).toEqual([
      "credly.resolved",
      "recipient.credly_earner",
    ]);
    expect(result?.trust).toMatchObject({ trusted: true, issuerDomain: "api.credly.com" });
    expect(await outcome(alice.id)).toMatchObject({
      verification_status: "verified",
      recipient_match: true,
    });
    const dm = messageText(sent.filter((s) => s.userId === alice.id).at(-1)!.message);
    expect(dm).toContain("✓ Verified — Cloud Basics · issued by api.credly.com");
    expect(dm).toContain("Recipient: Earned on your own Credly profile");
  });

  it("does not count the badge for someone who links Alice's profile and says it is theirs", async () => {
    const bob = await person("UBOB", "Bob Other");
    const service = new CredlyService({ db: t.db, clock, jobs });
    await service.connect(bob, "alice-e");
    // the badges name Alice, so Bob is asked; he says the profile is his
    expect(await service.sync(bob.id, fetch)).toMatchObject({ kind: "ask_owner" });
    await service.confirmOwner(bob.id);
    expect(await service.sync(bob.id, fetch)).toMatchObject({
      kind: "synced",
      completed: [{ badge: { id: ALICE_BADGE } }],
    });
    const done = await outcome(bob.id);
    await verifyCompletion(deps, done.id);
    expect(await outcome(bob.id)).toMatchObject({
      verification_status: "invalid",
      recipient_match: false,
    });
    const dm = messageText(sent.filter((s) => s.userId === bob.id).at(-1)!.message);
    expect(dm).toContain("The badge was awarded to a different person.");
    expect(dm).not.toContain("Credly profile");
  });

  it("does not count Alice's badge for someone who only shares its link", async () => {
    const carol = await person("UCAROL", "Carol Third");
    const goal = await t.db
      .selectFrom("goals")
      .selectAll()
      .where("user_id", "=", carol.id)
      .executeTakeFirstOrThrow();
    const completed = await new GoalService(t.db, clock).complete(
      carol,
      goal.id,
      `https://www.credly.com/badges/${ALICE_BADGE}`,
    );
    expect("error" in completed).toBe(false);
    await verifyCompletion(deps, (await outcome(carol.id)).id);
    expect(await outcome(carol.id)).toMatchObject({
      verification_status: "invalid",
      recipient_match: false,
    });
  });
});
