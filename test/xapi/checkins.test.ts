import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Decision, decide } from "../../src/domain/checkins/decide.ts";
import type { ClaimedDelivery } from "../../src/domain/checkins/deliveries.ts";
import { loadPeople } from "../../src/domain/checkins/people.ts";
import { GoalService } from "../../src/domain/goals/service.ts";
import { checkinDeliveryMessages } from "../../src/messages/checkins.ts";
import { messageText } from "../../src/messages/model.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { type Lrs, mapActivities, person, startLrs, statement } from "./harness.ts";

const GPM = "Google Project Management Certificate";
const PL900 = "Microsoft Power Platform Fundamentals (PL-900)";
const GPM_COURSE = "https://lms.example.com/courses/gpm";
const PL900_COURSE = "https://lms.example.com/courses/pl-900";
// Tuesday 1 December 2026, 10:00 in London: the week began Monday 30 November, 00:00.
const NOW = "2026-12-01T10:00:00Z";

describe("check-ins and the hours an LMS reported", () => {
  let t: TestDatabase;
  let lrs: Lrs;
  let moodle: string;
  let docebo: string;
  let userId: number;
  const clock = new ManualClock(NOW);
  const learner = person("U2");

  beforeAll(async () => {
    t = await createTestDatabase("xapi_checkins");
    lrs = await startLrs(t.db, clock);
    ({ auth: moodle } = await lrs.credentials(person("U1"), "Moodle"));
    ({ auth: docebo } = await lrs.credentials(person("U1"), "Docebo"));
    await mapActivities(t.db, GPM, [`${GPM_COURSE}/*`]);
    await mapActivities(t.db, PL900, [`${PL900_COURSE}/*`]);
    await lrs.core.command(learner, `goal ${GPM} 5h/week`);
    await lrs.core.command(learner, `goal ${PL900} 2h/week`);
    const user = await t.db
      .selectFrom("users")
      .where("platform_user_id", "=", "U2")
      .select("id")
      .executeTakeFirstOrThrow();
    userId = user.id;
  });
  afterAll(async () => {
    await lrs.server.close();
    await t.drop();
  });
  beforeEach(async () => {
    await t.db.deleteFrom("progress_events").execute();
  });

  async function report(auth: string, course: string, duration: string, timestamp: string) {
    const id = randomUUID();
    const body = statement("u2@example.com", "progressed", `${course}/module`, {
      id,
      result: { duration },
      timestamp,
    });
    const res = await lrs.request("POST", "/xapi/statements", { auth, body });
    expect(res.status).toBe(200);
    return id;
  }

  async function checkinNow(): Promise<Decision> {
    const now = clock.now();
    const delivery: ClaimedDelivery = {
      key: `k-${randomUUID()}`,
      user_id: userId,
      kind: "checkin",
      due_at: now,
      claimed_at: now,
      uncertain: false,
    };
    const people = await loadPeople(t.db, [delivery], now);
    return decide(people.get(userId)!, new GoalService(t.db, clock), delivery, now, 2);
  }

  const text = (decision: Decision) => {
    if (!decision.send) throw new Error(`not sent: ${decision.reason}`);
    return messageText(checkinDeliveryMessages()(decision.content, decision.to, clock.now()));
  };

  it("acknowledges this week's LMS hours and asks only for the rest", async () => {
    await report(moodle, GPM_COURSE, "PT1H30M", "2026-11-30T08:00:00Z");
    await report(moodle, GPM_COURSE, "PT1H", "2026-12-01T09:00:00Z");
    const decision = await checkinNow();
    if (!decision.send || decision.content.kind !== "checkin") throw new Error("no check-in");
    expect(decision.content.views.map((v) => v.goal.title).sort()).toEqual([GPM, PL900].sort());
    expect(decision.content.lms).toEqual([
      expect.objectContaining({ hours: 2.5, sources: ["Moodle"], weekly: 5, covered: false }),
    ]);
    expect(text(decision)).toContain(
      "Moodle logged 2.5 h this week of your 5 h a week. Log only time spent outside it.",
    );
  });

  it("counts neither last week's LMS hours nor hours logged by hand", async () => {
    // Sunday 29 November, 23:30 in London: last week.
    await report(moodle, GPM_COURSE, "PT4H", "2026-11-29T23:30:00Z");
    await lrs.core.command(learner, `log 3 ${GPM}`);
    const decision = await checkinNow();
    if (!decision.send || decision.content.kind !== "checkin") throw new Error("no check-in");
    expect(decision.content.lms).toEqual([]);
    expect(text(decision)).not.toContain("logged");
  });

  it("leaves out a goal whose weekly hours an LMS covered, naming every LMS", async () => {
    await report(moodle, PL900_COURSE, "PT1H", "2026-11-30T12:00:00Z");
    await report(docebo, PL900_COURSE, "PT1H15M", "2026-12-01T08:00:00Z");
    const decision = await checkinNow();
    if (!decision.send || decision.content.kind !== "checkin") throw new Error("no check-in");
    expect(decision.content.views.map((v) => v.goal.title)).toEqual([GPM]);
    expect(decision.content.lms).toEqual([
      expect.objectContaining({ hours: 2.25, sources: ["Docebo", "Moodle"], covered: true }),
    ]);
    expect(text(decision)).toContain(
      `Docebo and Moodle logged 2.3 h on ${PL900} this week, which covers its weekly hours`,
    );
  });

  it("skips the check-in when an LMS covered every goal's week, without counting it ignored", async () => {
    await report(moodle, PL900_COURSE, "PT2H", "2026-11-30T12:00:00Z");
    await report(moodle, GPM_COURSE, "PT5H", "2026-11-30T13:00:00Z");
    const decision = await checkinNow();
    expect(decision).toEqual({
      send: false,
      reason: "an LMS reported this week's hours",
      state: {},
    });
  });

  it("asks again for hours a voided statement had reported", async () => {
    await report(moodle, PL900_COURSE, "PT2H", "2026-11-30T12:00:00Z");
    const gpm = await report(moodle, GPM_COURSE, "PT5H", "2026-11-30T13:00:00Z");
    const voiding = {
      actor: { mbox: "mailto:u2@example.com" },
      verb: { id: "http://adlnet.gov/expapi/verbs/voided", display: { "en-US": "voided" } },
      object: { objectType: "StatementRef", id: gpm },
    };
    const res = await lrs.request("POST", "/xapi/statements", { auth: moodle, body: voiding });
    expect(res.status).toBe(200);
    const decision = await checkinNow();
    if (!decision.send || decision.content.kind !== "checkin") throw new Error("no check-in");
    expect(decision.content.views.map((v) => v.goal.title)).toEqual([GPM]);
    expect(decision.content.lms).toEqual([expect.objectContaining({ goalId: expect.any(Number) })]);
    expect(decision.content.lms[0]!.title).toBe(PL900);
  });
});
