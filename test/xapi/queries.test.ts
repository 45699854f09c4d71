import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { type Lrs, person, startLrs, statement, VERB } from "./harness.ts";

const COURSE = "https://lms.example.com/courses/rust";
type Result = { statements: Record<string, unknown>[]; more: string };

describe("xAPI statement queries", () => {
  let t: TestDatabase;
  let lrs: Lrs;
  let auth: string;
  let other: string;
  const clock = new ManualClock("2026-12-01T10:00:00Z");
  const ids: string[] = [];
  const registration = randomUUID();

  async function post(body: Record<string, unknown>, as = auth) {
    clock.advance(1_000);
    const res = await lrs.request("POST", "/xapi/statements", { auth: as, body });
    expect(res.status).toBe(200);
    return (res.body as string[])[0]!;
  }
  const get = (query: string, headers?: Record<string, string>) =>
    lrs.request("GET", `/xapi/statements${query}`, { auth, ...(headers ? { headers } : {}) });
  const idsOf = (body: unknown) => (body as Result).statements.map((s) => s.id);

  beforeAll(async () => {
    t = await createTestDatabase("xapi_queries");
    lrs = await startLrs(t.db, clock);
    ({ auth } = await lrs.credentials(person("U1"), "Moodle"));
    ({ auth: other } = await lrs.credentials(person("B1", "T2"), "Elsewhere"));
    // Five statements: ann experiences, bob completes, ann with a registration and a parent,
    // bob instructed by ann, and one voided.
    ids.push(await post(statement("ann@example.com", "experienced", `${COURSE}/m1`)));
    ids.push(await post(statement("bob@example.com", "completed", COURSE)));
    ids.push(
      await post(
        statement("ann@example.com", "progressed", `${COURSE}/m2`, {
          context: { registration, contextActivities: { parent: { id: COURSE } } },
        }),
      ),
    );
    ids.push(
      await post(
        statement("bob@example.com", "attended", `${COURSE}/live`, {
          context: { instructor: { mbox: "mailto:ann@example.com" } },
        }),
      ),
    );
    const voided = await post(statement("ann@example.com", "attempted", `${COURSE}/m3`));
    ids.push(
      await post({
        actor: { mbox: "mailto:ann@example.com" },
        verb: VERB("voided"),
        object: { objectType: "StatementRef", id: voided },
      }),
    );
    // Another workspace's statement never shows.
    await post(statement("ann@example.com", "experienced", `${COURSE}/m1`), other);
  });
  afterAll(async () => {
    await lrs.server.close();
    await t.drop();
  });

  it("returns the workspace's statements newest first, voided ones left out, with the consistency header", async () => {
    const res = await get("");
    expect(res.status).toBe(200);
    expect(idsOf(res.body)).toEqual([...ids].reverse());
    expect((res.body as Result).more).toBe("");
    expect(res.headers.get("x-experience-api-consistent-through")).toBe(clock.now().toISOString());
    expect(idsOf((await get("?ascending=true")).body)).toEqual(ids);
  });

  it("filters by verb, activity, registration, agent and time", async () => {
    const verb = encodeURIComponent(VERB("completed").id);
    expect(idsOf((await get(`?verb=${verb}`)).body)).toEqual([ids[1]]);
    expect(idsOf((await get(`?activity=${encodeURIComponent(COURSE)}`)).body)).toEqual([ids[1]]);
    expect(
      idsOf((await get(`?activity=${encodeURIComponent(COURSE)}&related_activities=true`)).body),
    ).toEqual([ids[2], ids[1]]);
    expect(idsOf((await get(`?registration=${registration}`)).body)).toEqual([ids[2]]);
    const ann = encodeURIComponent(JSON.stringify({ mbox: "mailto:ann@example.com" }));
    expect(idsOf((await get(`?agent=${ann}`)).body)).toEqual([ids[4], ids[2], ids[0]]);
    expect(idsOf((await get(`?agent=${ann}&related_agents=true`)).body)).toEqual([
      ids[4],
      ids[3],
      ids[2],
      ids[0],
    ]);
    const all = (await get("?ascending=true")).body as Result;
    const secondStored = all.statements[1]!.stored as string;
    const fourthStored = all.statements[3]!.stored as string;
    expect(
      idsOf(
        (
          await get(
            `?since=${encodeURIComponent(secondStored)}&until=${encodeURIComponent(fourthStored)}`,
          )
        ).body,
      ),
    ).toEqual([ids[3], ids[2]]);
  });

  it("pages with limit and a more link that reads the rest", async () => {
    const first = await get("?limit=2");
    expect(idsOf(first.body)).toEqual([ids[4], ids[3]]);
    const more = (first.body as Result).more;
    expect(more).toMatch(/^\/xapi\/statements\?/);
    const second = await lrs.request("GET", more, { auth });
    expect(idsOf(second.body)).toEqual([ids[2], ids[1]]);
    const third = await lrs.request("GET", (second.body as Result).more, { auth });
    expect(idsOf(third.body)).toEqual([ids[0]]);
    expect((third.body as Result).more).toBe("");
  });

  it("formats as ids or in the reader's language", async () => {
    const verb = encodeURIComponent(VERB("completed").id);
    const ids_ = (await get(`?verb=${verb}&format=ids`)).body as Result;
    expect(ids_.statements[0]!.actor).toEqual({ mbox: "mailto:bob@example.com" });
    expect(ids_.statements[0]!.verb).toEqual({ id: VERB("completed").id });
    expect(ids_.statements[0]!.object).toEqual({ id: COURSE });
    const id = randomUUID();
    await post(
      statement("cat@example.com", "experienced", `${COURSE}/m9`, {
        id,
        verb: { id: VERB("experienced").id, display: { "en-US": "experienced", de: "erlebte" } },
      }),
    );
    const canonical = await get(`?statementId=${id}&format=canonical`, {
      "accept-language": "de-DE, en;q=0.5",
    });
    expect((canonical.body as Record<string, { display: unknown }>).verb!.display).toEqual({
      de: "erlebte",
    });
    // Last-Modified is when it was stored, to the second as HTTP dates go.
    const stored = (canonical.body as { stored: string }).stored;
    expect(canonical.headers.get("last-modified")).toBe(new Date(stored).toUTCString());
  });

  it("answers HEAD like GET, and attachments=true as multipart", async () => {
    const head = await lrs.request("HEAD", "/xapi/statements", { auth });
    expect(head.status).toBe(200);
    expect(head.body).toBeUndefined();
    const multi = await get("?limit=1&attachments=true");
    expect(multi.status).toBe(200);
    expect(multi.headers.get("content-type")).toMatch(/^multipart\/mixed; boundary=/);
    expect(String(multi.body)).toContain('"statements":[');
  });

  it("refuses bad parameters with 400, still saying how consistent it is", async () => {
    for (const query of [
      "?agent=not-json",
      `?agent=${encodeURIComponent(JSON.stringify({ name: "no identifier" }))}`,
      "?since=yesterday",
      "?limit=-1",
      "?format=pretty",
      "?ascending=maybe",
      "?colour=blue",
      "?verb=completed",
      `?statementId=${ids[0]}&since=2026-12-01T00:00:00Z`,
      `?statementId=${ids[0]}&voidedStatementId=${ids[1]}`,
    ]) {
      const res = await get(query);
      expect(res.status, query).toBe(400);
      expect(res.headers.get("x-experience-api-consistent-through"), query).toBeTruthy();
    }
  });

  it("rejects timestamps with the unknown offset -00:00", async () => {
    for (const ts of ["2026-12-01T09:00:00.601-00:00", "2026-12-01T09:00:00.601-0000"]) {
      const res = await lrs.request("POST", "/xapi/statements", {
        auth,
        body: statement("ann@example.com", "experienced", COURSE, { timestamp: ts }),
      });
      expect(res.status, ts).toBe(400);
    }
  });
});
