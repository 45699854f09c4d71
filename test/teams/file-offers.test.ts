import type { IncomingHttpHeaders } from "node:http";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FileOfferStore } from "../../adapters/teams/file-offers.ts";
import {
  checkUploadTarget,
  createFileUploader,
  FileUploadError,
} from "../../adapters/teams/upload.ts";
import { createLogger } from "../../src/log.ts";
import { ManualClock } from "../../src/time/clock.ts";
import type { ConnectorCall } from "../support/fake-connector.ts";
import { serveOnLoopback } from "../support/loopback.ts";
import {
  ALICE,
  activity,
  CHANNEL_ID,
  cardClick,
  cardOf,
  channelMessage,
  PERSONAL,
  personalMessage,
  readCard,
  TENANT,
} from "./activities.ts";
import { rosterEntry, startTeamsService, type TeamsService } from "./harness.ts";

const CONSENT = "application/vnd.microsoft.teams.card.file.consent";
const FILE_INFO = "application/vnd.microsoft.teams.card.file.info";
/** Someone in the same tenant who has never opened a personal chat with the bot. */
const BOB = {
  id: "29:1bob-teams-id",
  aadObjectId: "00000000-0000-4000-8000-000000000b0b",
  name: "Bob Cratchit",
};
/** The part of an upload link that grants the write, as OneDrive's tempauth does. */
const GRANT = "tempauth-grant-never-logged";

interface Put {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A stand-in for OneDrive's upload sessions: /upload/… takes the bytes (201), /fail/… answers
 * 500, /redirect/…?to=URL answers 307 to URL; every request is recorded.
 */
async function startUploadHost(host: string) {
  const hits: Put[] = [];
  const server = await serveOnLoopback((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://upload.invalid");
      hits.push({
        method: req.method ?? "",
        path: url.pathname,
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      if (url.pathname.startsWith("/upload/")) {
        res.writeHead(201, { "content-type": "application/json" }).end('{"id":"item"}');
      } else if (url.pathname.startsWith("/redirect/")) {
        res.writeHead(307, { location: url.searchParams.get("to") ?? "/" }).end();
      } else if (url.pathname.startsWith("/fail/")) {
        res.writeHead(500, { "content-type": "application/json" }).end('{"error":"boom"}');
      } else {
        res.writeHead(404).end();
      }
    });
  }, host);
  return { ...server, hits };
}

type UploadHost = Awaited<ReturnType<typeof startUploadHost>>;

describe("the file uploader", () => {
  let host: UploadHost;
  /** On a loopback address the development allowance does not open. */
  let forbidden: UploadHost;
  beforeAll(async () => {
    host = await startUploadHost("127.0.0.1");
    forbidden = await startUploadHost("127.0.0.2");
  });
  afterAll(async () => {
    await host?.close();
    await forbidden?.close();
  });

  const bytes = new TextEncoder().encode("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");

  it("puts the whole file in one request with its length and range, and nothing of ours", async () => {
    await createFileUploader({ allowRanges: ["127.0.0.1/32"] })(
      `${host.base}/upload/one?${GRANT}`,
      bytes,
    );
    const put = host.hits.at(-1)!;
    expect(put).toMatchObject({ method: "PUT", path: "/upload/one" });
    expect(put.body.equals(Buffer.from(bytes))).toBe(true);
    expect(put.headers["content-length"]).toBe(String(bytes.byteLength));
    expect(put.headers["content-range"]).toBe(
      `bytes 0-${bytes.byteLength - 1}/${bytes.byteLength}`,
    );
    expect(put.headers.authorization).toBeUndefined();
    expect(put.headers.cookie).toBeUndefined();
  });

  it("refuses loopback unless allowed, as badge links are, without contacting it", async () => {
    const before = host.hits.length;
    await expect(createFileUploader()(`${host.base}/upload/x`, bytes)).rejects.toBeInstanceOf(
      FileUploadError,
    );
    await expect(
      createFileUploader({ allowRanges: ["127.0.0.1/32"] })(`${forbidden.base}/upload/x`, bytes),
    ).rejects.toThrow("not a public address");
    expect(host.hits).toHaveLength(before);
    expect(forbidden.hits).toEqual([]);
  });

  it("sends nothing over plain http to a public address", async () => {
    // Checked without a request: the address would be a real one.
    const resolve = async () => [{ address: "93.184.216.34", family: 4 as const }];
    await expect(
      checkUploadTarget(`http://onedrive.example/upload/x?${GRANT}`, resolve, []),
    ).rejects.toThrow("https");
    await expect(
      checkUploadTarget(`https://onedrive.example/upload/x?${GRANT}`, resolve, []),
    ).resolves.toMatchObject({ address: "93.184.216.34", family: 4 });
  });

  it("checks a redirect's target again before sending the bytes there", async () => {
    const upload = createFileUploader({ allowRanges: ["127.0.0.1/32"] });
    const error = await upload(
      `${host.base}/redirect/a?to=${encodeURIComponent(`${forbidden.base}/upload/r?${GRANT}`)}`,
      bytes,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileUploadError);
    expect(forbidden.hits).toEqual([]);

    await upload(`${host.base}/redirect/b?to=${encodeURIComponent("/upload/after")}`, bytes);
    expect(host.hits.at(-1)).toMatchObject({ method: "PUT", path: "/upload/after" });
    expect(host.hits.at(-1)!.body.equals(Buffer.from(bytes))).toBe(true);
  });

  it("keeps the upload link out of its errors", async () => {
    const upload = createFileUploader({ allowRanges: ["127.0.0.1/32"] });
    for (const url of [
      `${host.base}/fail/x?${GRANT}`,
      `${host.base}/redirect/loop?to=/redirect/loop%3F${GRANT}`,
    ]) {
      const error = await upload(url, bytes).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FileUploadError);
      expect(`${(error as Error).message} ${(error as Error).stack}`).not.toContain(GRANT);
    }
  });
});

describe("files in Teams through file consent: CloudAdapter over HTTP, PostgreSQL, a fake Bot Connector and a stand-in OneDrive", () => {
  let h: TeamsService;
  let onedrive: UploadHost;
  const logs: string[] = [];
  const clock = new ManualClock("2026-06-01T09:00:00Z");

  beforeAll(async () => {
    onedrive = await startUploadHost("127.0.0.1");
    h = await startTeamsService({
      label: "teams_offers",
      members: [ALICE, BOB].map((person) =>
        rosterEntry(person, `${person.name.split(" ")[0]}@example.test`),
      ),
      config: {
        // The stand-in OneDrive is on loopback, as the Teams file download's tests are.
        verification: { allowRanges: ["127.0.0.1/32"] },
      },
      logger: createLogger("debug", { write: (line: string) => void logs.push(line) }),
      role: "web",
      clock,
    });
  });
  afterAll(async () => {
    await h?.close();
    await onedrive?.close();
  });
  // Each case starts with no offers, whatever the one before left.
  beforeEach(async () => {
    await sql`delete from teams_file_offers`.execute(h.db);
  });

  async function say(text: string): Promise<string> {
    const calls = await h.exchange(personalMessage(h.fake.serviceUrl, text));
    expect(calls.map((c) => c.operation)).toEqual(["reply"]);
    return readCard(cardOf(calls[0]!.body));
  }

  type Attachment = { contentType: string; name?: string; contentUrl?: string; content?: unknown };
  const attachmentsOf = (call: ConnectorCall) => (call.body.attachments ?? []) as Attachment[];
  const consentCards = (call: ConnectorCall) =>
    attachmentsOf(call).filter((a) => a.contentType === CONSENT);

  const offers = () =>
    h.db.selectFrom("teams_file_offers").selectAll().orderBy("created_at").execute();

  /** `plan` in the personal chat: its one reply, and the offer id on its consent card. */
  async function plan(): Promise<{ reply: ConnectorCall; offerId: string }> {
    const calls = await h.exchange(personalMessage(h.fake.serviceUrl, "plan"));
    expect(calls.map((c) => [c.operation, c.conversationId])).toEqual([["reply", PERSONAL.id]]);
    const [consent] = consentCards(calls[0]!);
    const offerId = (consent?.content as { acceptContext?: { offer?: string } })?.acceptContext
      ?.offer;
    expect(offerId).toEqual(expect.any(String));
    return { reply: calls[0]!, offerId: offerId! };
  }

  /** The person's answer on a consent card, as Teams posts it (`fileConsent/invoke`). */
  function answer(
    action: "accept" | "decline",
    offerId: string,
    uploadPath = "/upload/1",
    from: { id: string; aadObjectId: string; name: string } = ALICE,
  ) {
    return activity(h.fake.serviceUrl, {
      type: "invoke",
      name: "fileConsent/invoke",
      replyToId: "consent-card-activity",
      from: { ...from },
      value: {
        type: "fileUpload",
        action,
        context: { offer: offerId },
        ...(action === "accept"
          ? {
              uploadInfo: {
                name: "study-plan.ics",
                uploadUrl: `${onedrive.base}${uploadPath}?${GRANT}`,
                contentUrl:
                  "https://contoso-my.sharepoint.com/personal/alice/Documents/Applications/Stackup/study-plan.ics",
                uniqueId: "1150D938-8870-4044-9F2C-5BBDEBA70C9D",
                fileType: "ics",
              },
            }
          : {}),
      },
    });
  }

  const putsTo = (prefix: string) => onedrive.hits.filter((h) => h.path.startsWith(prefix));

  it("offers the study plan in the personal chat and saves exactly its bytes when allowed", async () => {
    expect(await say("goal Puffin law by 2026-09-30 3h/week")).toContain("Goal set");
    const { reply, offerId } = await plan();

    // The card as before, and one consent card naming the file and its size.
    const text = readCard(cardOf(reply.body));
    expect(text).toContain("Your study plan for **Puffin law**");
    expect(text).toContain("Import study-plan.ics into Google Calendar or Outlook");
    expect(text).toContain("Choose **Allow** below to save study-plan.ics to your OneDrive.");
    const [row] = await offers();
    expect(row).toMatchObject({
      id: offerId,
      tenant_id: TENANT,
      aad_object_id: ALICE.aadObjectId,
      filename: "study-plan.ics",
      content_type: "text/calendar",
    });
    expect(row!.data.toString("utf8")).toContain("BEGIN:VCALENDAR");
    expect(consentCards(reply)).toEqual([
      {
        contentType: CONSENT,
        name: "study-plan.ics",
        content: {
          description: "Study plan: Puffin law",
          sizeInBytes: row!.data.length,
          // Only the offer's id goes through Teams.
          acceptContext: { offer: offerId },
          declineContext: { offer: offerId },
        },
      },
    ]);

    const calls = await h.exchange(answer("accept", offerId, "/upload/first"));
    const puts = putsTo("/upload/first");
    expect(puts).toHaveLength(1);
    expect(puts[0]!.method).toBe("PUT");
    expect(puts[0]!.body.equals(row!.data)).toBe(true);
    expect(puts[0]!.headers["content-range"]).toBe(
      `bytes 0-${row!.data.length - 1}/${row!.data.length}`,
    );
    expect(puts[0]!.headers["content-length"]).toBe(String(row!.data.length));
    expect(puts[0]!.headers.authorization).toBeUndefined();

    expect(calls.map((c) => [c.operation, c.conversationId])).toEqual([["reply", PERSONAL.id]]);
    expect(calls[0]!.body.text).toBe("Saved study-plan.ics to your OneDrive.");
    expect(attachmentsOf(calls[0]!)).toEqual([
      {
        contentType: FILE_INFO,
        contentUrl:
          "https://contoso-my.sharepoint.com/personal/alice/Documents/Applications/Stackup/study-plan.ics",
        name: "study-plan.ics",
        content: { uniqueId: "1150D938-8870-4044-9F2C-5BBDEBA70C9D", fileType: "ics" },
      },
    ]);
    expect(await offers()).toEqual([]);

    // The offer is used up: allowing it again uploads nothing.
    const again = await h.exchange(answer("accept", offerId, "/upload/second"));
    expect(readCard(cardOf(again[0]!.body))).toContain("That file is no longer available");
    expect(putsTo("/upload/second")).toEqual([]);
  });

  it("drops a declined file, uploads nothing and says so kindly", async () => {
    const { offerId } = await plan();
    const before = onedrive.hits.length;
    const calls = await h.exchange(answer("decline", offerId));
    expect(onedrive.hits).toHaveLength(before);
    expect(await offers()).toEqual([]);
    expect(calls.map((c) => c.operation)).toEqual(["reply"]);
    const text = readCard(cardOf(calls[0]!.body));
    expect(text).toContain("No problem: I didn't save “study-plan.ics”");
    expect(text).toContain("nothing was added to your OneDrive");
  });

  it("refuses someone else's answer to an offer: nothing uploaded, the offer kept", async () => {
    const { offerId } = await plan();
    const before = onedrive.hits.length;
    for (const action of ["accept", "decline"] as const) {
      const calls = await h.exchange(answer(action, offerId, "/upload/bob", BOB));
      expect(readCard(cardOf(calls[0]!.body))).toContain("That file is no longer available");
    }
    expect(onedrive.hits).toHaveLength(before);
    expect((await offers()).map((o) => o.id)).toEqual([offerId]);
    await h.exchange(answer("decline", offerId));
  });

  it("refuses an expired offer, and clears it away with the next offer", async () => {
    const { offerId } = await plan();
    await sql`update teams_file_offers set created_at = now() - interval '25 hours'`.execute(h.db);
    const before = onedrive.hits.length;
    const calls = await h.exchange(answer("accept", offerId, "/upload/late"));
    expect(readCard(cardOf(calls[0]!.body))).toContain("That file is no longer available");
    expect(onedrive.hits).toHaveLength(before);

    const next = await plan();
    expect((await offers()).map((o) => o.id)).toEqual([next.offerId]);
    await h.exchange(answer("decline", next.offerId));
  });

  it("keeps the offer when OneDrive fails, offers it again, and a retry saves it", async () => {
    const { offerId } = await plan();
    const [row] = await offers();
    const failed = await h.exchange(answer("accept", offerId, "/fail/1"));
    expect(putsTo("/fail/1")).toHaveLength(1);
    expect(failed.map((c) => c.operation)).toEqual(["reply"]);
    const text = readCard(cardOf(failed[0]!.body));
    expect(text).toContain("I couldn't save “study-plan.ics” to your OneDrive just now");
    expect(text).not.toContain("Something went wrong");
    expect(consentCards(failed[0]!)).toMatchObject([
      { name: "study-plan.ics", content: { acceptContext: { offer: offerId } } },
    ]);
    expect((await offers()).map((o) => o.id)).toEqual([offerId]);

    const retried = await h.exchange(answer("accept", offerId, "/upload/retry"));
    expect(putsTo("/upload/retry")).toHaveLength(1);
    expect(putsTo("/upload/retry")[0]!.body.equals(row!.data)).toBe(true);
    expect(attachmentsOf(retried[0]!).map((a) => a.contentType)).toEqual([FILE_INFO]);
    expect(await offers()).toEqual([]);
  });

  it("offers the new plan after the day and time are changed in the form", async () => {
    const { reply } = await plan();
    await h.exchange(answer("decline", (await offers())[0]!.id));
    const change = (
      cardOf(reply.body).body as { type: string; actions?: { data: unknown }[] }[]
    ).find((e) => e.type === "ActionSet")!.actions![0]!.data as Record<string, unknown>;
    const opened = await h.exchange(cardClick(h.fake.serviceUrl, "plan-card", change));
    const form = cardOf(opened[0]!.body).body as { type: string; actions?: { data: unknown }[] }[];
    const submit = form.at(-1)!.actions![0]!.data as Record<string, unknown>;

    const calls = await h.exchange(
      cardClick(h.fake.serviceUrl, "form-card", {
        ...submit,
        "f:day": "4",
        "f:time": "07:30",
        "f:length": "60",
      }),
    );
    // The form becomes the plan; Teams takes consent cards only in a new message after it.
    expect(calls.map((c) => c.operation)).toEqual(["update", "reply"]);
    expect(calls[0]!.activityId).toBe("form-card");
    expect(readCard(cardOf(calls[0]!.body))).toContain("every Thursday at 7:30 AM");
    expect(consentCards(calls[0]!)).toEqual([]);
    const [offer] = await offers();
    expect(consentCards(calls[1]!)).toMatchObject([
      { name: "study-plan.ics", content: { acceptContext: { offer: offer!.id } } },
    ]);
    await h.exchange(answer("decline", offer!.id));
  });

  it("offers files in a proactive message to the personal chat", async () => {
    const user = await h.db
      .selectFrom("users")
      .where("platform_user_id", "=", ALICE.aadObjectId)
      .select("id")
      .executeTakeFirstOrThrow();
    const before = h.fake.calls.length;
    await h.app.messenger.send(
      { kind: "user", userId: user.id },
      {
        summary: "Your report",
        blocks: [{ type: "text", text: ["Here it is."] }],
        files: [{ filename: "report.csv", contentType: "text/csv", data: Buffer.from("a,b\n") }],
      },
    );
    const [sent] = h.fake.calls.slice(before);
    expect(sent).toMatchObject({ operation: "send", conversationId: PERSONAL.id });
    const [offer] = await offers();
    expect(offer).toMatchObject({ filename: "report.csv", aad_object_id: ALICE.aadObjectId });
    expect(consentCards(sent!)).toMatchObject([
      { name: "report.csv", content: { sizeInBytes: 4, acceptContext: { offer: offer!.id } } },
    ]);
    await h.exchange(answer("decline", offer!.id));
  });

  it("in a channel, offers nothing there and sends the answer with its file to the personal chat", async () => {
    const thread = `${CHANNEL_ID};messageid=1700000000000`;
    const bobSays = async (text: string) =>
      h.exchange({ ...channelMessage(h.fake.serviceUrl, text), from: { ...BOB } });
    // Bob has no personal chat with the bot: one is opened for him, and his answers go there.
    const goal = await bobSays("learn goal Narwhal knitting by 2026-10-31 2h/week");
    expect(goal.map((c) => c.operation)).toEqual(["createConversation", "send", "reply"]);
    const chat = goal[1]!.conversationId!;
    expect(readCard(cardOf(goal[1]!.body))).toContain("Goal set");
    expect(goal[2]!.conversationId).toBe(thread);
    expect(readCard(cardOf(goal[2]!.body))).not.toContain("Narwhal knitting");

    const plan = await bobSays("learn plan");
    expect(plan.map((c) => [c.operation, c.conversationId])).toEqual([
      ["send", chat],
      ["reply", thread],
    ]);
    expect(readCard(cardOf(plan[0]!.body))).toContain("Your study plan for **Narwhal knitting**");
    const [bobs] = await offers();
    expect(bobs).toMatchObject({ filename: "study-plan.ics", aad_object_id: BOB.aadObjectId });
    expect(consentCards(plan[0]!)).toMatchObject([
      { content: { acceptContext: { offer: bobs!.id } } },
    ]);
    // Nothing of the plan, and no file, in the channel.
    expect(consentCards(plan[1]!)).toEqual([]);
    expect(readCard(cardOf(plan[1]!.body))).not.toContain("Narwhal knitting");
    await h.exchange({ ...answer("decline", bobs!.id), from: { ...BOB } });
    expect(await offers()).toEqual([]);

    // Alice has one: her private answer, with its file, goes there.
    const calls = await h.exchange(channelMessage(h.fake.serviceUrl, "learn plan"));
    expect(calls.map((c) => [c.operation, c.conversationId])).toEqual([
      ["send", PERSONAL.id],
      ["reply", `${CHANNEL_ID};messageid=1700000000000`],
    ]);
    const [offer] = await offers();
    expect(offer).toMatchObject({ aad_object_id: ALICE.aadObjectId });
    expect(consentCards(calls[0]!)).toMatchObject([
      { content: { acceptContext: { offer: offer!.id } } },
    ]);
    expect(consentCards(calls[1]!)).toEqual([]);
    await h.exchange(answer("decline", offer!.id));
  });

  it("never writes an upload link to the log", async () => {
    const all = logs.join("\n");
    // The log was captured, including the saves and the failed one above.
    expect(all).toContain("Saved a file to OneDrive");
    expect(all).toContain("Could not save a file to OneDrive");
    expect(all).not.toContain(GRANT);
    expect(all).not.toContain("/upload/");
    expect(all).not.toContain("/fail/");
    expect(all).not.toContain("BEGIN:VCALENDAR");
  });

  it("keeps offers in a store every bot process reads", async () => {
    // A second store on the same database sees what the app offered.
    const other = new FileOfferStore(h.db);
    const { offerId } = await plan();
    expect(await other.find(offerId)).toMatchObject({
      owner: { tenantId: TENANT, aadObjectId: ALICE.aadObjectId },
      filename: "study-plan.ics",
    });
    await h.exchange(answer("decline", offerId));
    expect(await other.find(offerId)).toBeUndefined();
  });
});
