import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/time/clock.ts";
import { type SlackService, startSlackService } from "../slack/harness.ts";
import type { RecordedCall } from "../support/fake-slack.ts";
import { type LoopbackServer, serveOnLoopback } from "../support/loopback.ts";

const BAKED_PNG = new URL("./fixtures/openbadges/ob30/simple-json.png", import.meta.url);
const HOSTED = new URL("./fixtures/hosted/", import.meta.url);

/** Plain text of a recorded Slack message, as a person reads it. */
function textOf(call: RecordedCall): string {
  return (JSON.stringify(call.body.blocks ?? []).match(/"text":"((?:[^"\\]|\\.)*)"/g) ?? [])
    .map((m) => JSON.parse(m.slice(7)) as string)
    .join("\n");
}

/**
 * A badge shared as a file in the bot's DM, through the whole service: Slack's message event,
 * the download with the bot token, the core, the BullMQ check and the result DM.
 */
describe("badge files shared in a Slack DM", () => {
  let h: SlackService;
  let issuer: LoopbackServer;
  const clock = new ManualClock("2026-06-01T09:00:00Z");

  beforeAll(async () => {
    // The hosted badge fixtures on 127.0.0.1, which only VERIFY_ALLOW_RANGES lets checks reach.
    issuer = await serveOnLoopback((req, res) => {
      const name = (req.url ?? "/").slice(1);
      if (!/^[a-z]+\.json$/.test(name)) return void res.writeHead(404).end();
      const body = readFileSync(new URL(name, HOSTED), "utf8").replaceAll("{{BASE}}", issuer.base);
      res.writeHead(200, { "content-type": "application/ld+json" }).end(body);
    });
    h = await startSlackService({
      label: "badge_dm",
      config: { verification: { allowRanges: ["127.0.0.1/32"] } },
      clock,
    });
  });
  afterAll(async () => {
    await h?.close();
    await issuer?.close();
  });

  async function learn(text: string): Promise<string> {
    const before = h.fake.callsTo("response_url").length;
    expect((await h.fake.standin.slash("U0ALICE", text)).status).toBe(200);
    await h.fake.waitFor(() => h.fake.callsTo("response_url").length > before);
    return textOf(h.fake.callsTo("response_url")[before]!);
  }

  /** Waits for the n-th DM from now on and returns its text. */
  async function dms(count: number, share: () => Promise<unknown>): Promise<string[]> {
    // Replies open the DM first; background messages post to the person's id, as Slack allows.
    const dm = () =>
      h.fake
        .callsTo("chat.postMessage")
        .filter((c) => c.body.channel === "D0ALICE" || c.body.channel === "U0ALICE");
    const before = dm().length;
    await share();
    await h.fake.waitFor(() => dm().length >= before + count, 20_000);
    return dm()
      .slice(before)
      .map((c) => textOf(c));
  }

  const png = () => new Uint8Array(readFileSync(BAKED_PNG));
  const share = (name: string, mimetype: string, data: Uint8Array) => () =>
    h.fake.standin.shareFile("U0ALICE", { name, mimetype, data });

  it("says there is nothing to attach it to before a goal is completed", async () => {
    const [reply] = await dms(1, share("badge.png", "image/png", png()));
    expect(reply).toContain("I couldn't find a completed goal to attach this to");
    expect(reply).toContain("`/learn done &lt;goal&gt;`");
  });

  it("checks a baked badge shared after completing a goal and DMs what it found", async () => {
    expect(await learn("goal Puffin law")).toContain("Goal set");
    expect(await learn("done puffin")).toContain("Add your badge or certificate link");
    const [checking, result] = await dms(2, share("badge.png", "image/png", png()));
    expect(checking).toContain("Checking your badge for *Puffin law*");
    // the 1EdTech sample badge is conformant, but nothing binds its key to its issuer
    expect(result).toContain("can't show as verified: I can't tell that its issuer really issued");
    expect(result).toContain("Teamwork");
    expect(result).toContain("Example Corp");
    expect(h.fake.callsTo("file.download").at(-1)?.authorization).toMatch(/^Bearer xoxb-/);
    const row = await h.db
      .selectFrom("completions")
      .innerJoin("goals", "goals.id", "completions.goal_id")
      .where("goals.title", "=", "Puffin law")
      .select(["verification_status", "credential_kind", "evidence_url"])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      verification_status: "unverified",
      credential_kind: "ob3",
      evidence_url: null,
    });
  });

  it("turns away files that cannot be badges without downloading them", async () => {
    const downloads = h.fake.callsTo("file.download").length;
    const [reply] = await dms(1, share("notes.docx", "application/msword", png()));
    expect(reply).toContain("I can only check badge files");
    expect(reply).toContain("notes.docx");
    expect(h.fake.callsTo("file.download")).toHaveLength(downloads);
  });

  it("reaches a badge link on an address VERIFY_ALLOW_RANGES allows", async () => {
    expect(await learn("goal Zebra grooming")).toContain("Goal set");
    const [result] = await dms(1, () => learn(`done zebra ${issuer.base}/assertion.json`));
    // reached, trusted and the person's; a free-text goal then waits for their word
    expect(result).toContain("I checked the badge for *Zebra grooming*");
    expect(result).toContain(`"Cloud Practitioner &amp; Friends" from 127.0.0.1`);
    expect(result).toContain("Awarded to your email address");
  });
});
