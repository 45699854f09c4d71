import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIMITS } from "../../adapters/teams/cards.ts";
import type { TeamDigest } from "../../src/domain/reports/digest.ts";
import { chartOf, digestMessage } from "../../src/messages/org.ts";
import type { ConnectorCall } from "../support/fake-connector.ts";
import {
  CHANNEL_ID,
  cardOf,
  channelMessage,
  readCard,
  unauthenticatedTeams,
} from "./activities.ts";
import { startTeamsService, type TeamsService } from "./harness.ts";

const PUBLIC_URL = "https://stackup.example.test";
const PNG = [0x89, 0x50, 0x4e, 0x47];

/** A digest as large as a busy team's gets: the longest names, every list full. */
function busyDigest(): TeamDigest {
  const long = (what: string, i: number) => `${what} ${i} ${"Ünïcødé & <markup> ".repeat(3)}`;
  const verified = { status: "verified", revoked: false, trusted: true, issuerDomain: "x.test" };
  return {
    team: {
      id: 1,
      workspace_id: 1,
      name: "P".repeat(80),
      channel_id: CHANNEL_ID,
      channel_name: "General",
      digest_day: 1,
      digest_time: "09:00",
      digest_time_zone: "UTC",
      locale: null,
    },
    digestDate: "2026-11-30",
    weekStarts: Array.from(
      { length: 8 },
      (_, i) => `2026-10-${String(5 + i * 7).padStart(2, "0")}`,
    ),
    weeklyHours: [12, 30.5, 8, 44, 51.5, 19, 27, 63.5],
    hours: 63.5,
    lastWeekHours: 27,
    top: Array.from({ length: 10 }, (_, i) => ({
      name: long("Learner", i),
      points: 99.5,
      hours: 12.5,
    })),
    completions: Array.from({ length: 25 }, (_, i) => ({
      ...verified,
      status: "verified" as const,
      person: long("Person", i),
      credential: long("Credential", i),
      provider: long("Provider", i),
      url: `https://credentials.example.test/badge/${i}?${"q=1&".repeat(20)}`,
    })),
    newGoals: Array.from({ length: 10 }, (_, i) => ({
      person: long("P", i),
      title: long("Goal", i),
    })),
    stacks: Array.from({ length: 5 }, (_, i) => ({
      person: long("P", i),
      stack: long("Stack", i),
    })),
    shares: Array.from({ length: 12 }, (_, i) => ({
      person: long("Sharer", i),
      goal: long("Goal", i),
      text: "x".repeat(500),
    })),
    unnamed: { completions: 3, newGoals: 2, stacks: 1, shares: 4 },
    members: 40,
  };
}

const bytes = (body: unknown) => Buffer.byteLength(JSON.stringify(body), "utf8");

async function workspaceId(h: TeamsService): Promise<number> {
  return (await h.db.selectFrom("workspaces").select("id").executeTakeFirstOrThrow()).id;
}

/** Remembers the test channel, then sends the busy digest there and returns what Teams got. */
async function sendDigest(h: TeamsService): Promise<ConnectorCall> {
  await h.exchange(channelMessage(h.fake.serviceUrl, "learn help"));
  const digest = busyDigest();
  await h.app.messenger.send(
    { kind: "channel", workspaceId: await workspaceId(h), channelId: CHANNEL_ID },
    digestMessage(digest, chartOf(digest)),
  );
  return h.fake.callsTo("send").at(-1)!;
}

describe("Teams card images: charts by expiring link under PUBLIC_URL", () => {
  let h: TeamsService;

  beforeAll(async () => {
    h = await startTeamsService({
      label: "teams_images",
      role: "web",
      config: {
        teams: { ...unauthenticatedTeams, publicUrl: PUBLIC_URL },
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("links the digest chart instead of carrying it, and keeps the busiest digest under Teams' limit", async () => {
    const sent = await sendDigest(h);
    expect(bytes(sent.body)).toBeLessThanOrEqual(LIMITS.messageBytes);
    const attachments = sent.body.attachments as { contentType: string }[];
    expect(attachments.map((a) => a.contentType)).toEqual([
      "application/vnd.microsoft.card.adaptive",
    ]);
    const card = cardOf(sent.body);
    const image = (card.body as { type: string; url?: string; altText?: string }[]).find(
      (e) => e.type === "Image",
    );
    expect(image?.url).toMatch(/^https:\/\/stackup\.example\.test\/teams\/images\/[\w-]{24}$/);
    expect(image?.altText).toMatch(
      /^Bar chart of the team's hours per week for the last 8 weeks: week of \d+ \w+: [\d.]+ h, /,
    );
    expect(readCard(card)).toContain("more not shown here");

    const served = await fetch(`${h.url}${new URL(image!.url!).pathname}`);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect([...new Uint8Array(await served.arrayBuffer()).slice(0, 4)]).toEqual(PNG);
  });

  it("serves nothing for an unknown or expired link", async () => {
    expect((await fetch(`${h.url}/teams/images/${"A".repeat(24)}`)).status).toBe(404);
    expect((await fetch(`${h.url}/teams/images/..%2F..%2Fetc`)).status).toBe(404);
    const { id } = await h.db.selectFrom("teams_images").select("id").executeTakeFirstOrThrow();
    await sql`update teams_images set created_at = now() - interval '31 days'`.execute(h.db);
    expect((await fetch(`${h.url}/teams/images/${id}`)).status).toBe(404);
  });
});

describe("Teams card images without PUBLIC_URL", () => {
  let h: TeamsService;

  beforeAll(async () => {
    h = await startTeamsService({ label: "teams_images_inline", role: "web" });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("leaves out an inline chart that would push the message over the limit, and says so", async () => {
    const sent = await sendDigest(h);
    expect(bytes(sent.body)).toBeLessThanOrEqual(LIMITS.messageBytes);
    const attachments = sent.body.attachments as { contentType: string }[];
    expect(attachments.map((a) => a.contentType)).toEqual([
      "application/vnd.microsoft.card.adaptive",
    ]);
    expect(readCard(cardOf(sent.body))).toContain(
      "Too large to show in Teams: Bar chart of the team's hours per week",
    );
  });

  it("says so in the workspace's language", async () => {
    await h.db.updateTable("workspaces").set({ locale: "de" }).execute();
    try {
      const sent = await sendDigest(h);
      expect(readCard(cardOf(sent.body))).toContain("Zu groß zum Anzeigen in Teams:");
    } finally {
      await h.db.updateTable("workspaces").set({ locale: null }).execute();
    }
  });

  it("says so in the language of the team whose digest goes to the channel", async () => {
    const ws = await workspaceId(h);
    await h.db.updateTable("workspaces").set({ locale: "de" }).execute();
    const team = await h.db
      .insertInto("teams")
      .values({ workspace_id: ws, name: "Équipe", channel_id: CHANNEL_ID, locale: "fr" })
      .returning("id")
      .executeTakeFirstOrThrow();
    try {
      const sent = await sendDigest(h);
      expect(readCard(cardOf(sent.body))).toContain("Trop volumineux pour être affiché dans Teams");
    } finally {
      await h.db.deleteFrom("teams").where("id", "=", team.id).execute();
      await h.db.updateTable("workspaces").set({ locale: null }).execute();
    }
  });

  it("keeps a small chart inline", async () => {
    const digest = {
      ...busyDigest(),
      top: [],
      completions: [],
      shares: [],
      newGoals: [],
      stacks: [],
    };
    await h.app.messenger.send(
      { kind: "channel", workspaceId: await workspaceId(h), channelId: CHANNEL_ID },
      digestMessage(digest, chartOf(digest)),
    );
    const sent = h.fake.callsTo("send").at(-1)!;
    const attachments = sent.body.attachments as { contentType: string; contentUrl?: string }[];
    expect(attachments[1]?.contentType).toBe("image/png");
    expect(attachments[1]?.contentUrl).toMatch(/^data:image\/png;base64,iVBOR/);
    expect(bytes(sent.body)).toBeLessThanOrEqual(LIMITS.messageBytes);
  });
});
