import { readFileSync } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  attachedFile,
  contentTypeOf,
  createFileDownloader,
  FILE_DOWNLOAD_INFO,
  FileDownloadError,
} from "../../adapters/teams/files.ts";
import { APP_PACKAGE_DIR } from "../../adapters/teams/packaging/build.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { serveOnLoopback } from "../support/loopback.ts";
import { ALICE, activity, cardOf, channelMessage, PERSONAL, readCard } from "./activities.ts";
import { rosterEntry, startTeamsService, type TeamsService } from "./harness.ts";

const BAKED_PNG = new URL(
  "../verification/fixtures/openbadges/ob30/simple-json.png",
  import.meta.url,
);
/** What Teams would present to /api/messages; with authentication off it is accepted unread. */
const INBOUND_TOKEN = "inbound-bot-framework-token-never-forwarded";

interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
}

/** A stand-in for OneDrive's pre-authorized download links, recording every request it gets. */
async function startFileHost(host: string) {
  const hits: Hit[] = [];
  const png = readFileSync(BAKED_PNG);
  const server = await serveOnLoopback((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    hits.push({ path, headers: req.headers });
    switch (path) {
      case "/download/badge.png":
        res.writeHead(200, { "content-type": "application/octet-stream" }).end(png);
        return;
      case "/download/big.png":
        res.writeHead(200, { "content-type": "image/png" }).end(Buffer.alloc(1_200_000, 0x20));
        return;
      case "/download/streamed-big.json": {
        // No length up front: the limit has to hold while reading.
        res.writeHead(200, { "content-type": "application/json" });
        for (let i = 0; i < 30; i++) res.write(Buffer.alloc(50_000, 0x20));
        res.end();
        return;
      }
      case "/download/loop":
        res.writeHead(302, { location: req.url ?? "/" }).end();
        return;
      case "/download/expired.png":
        res.writeHead(200, { "content-type": "text/html" }).end("<html>Sign in</html>");
        return;
      default:
        res.writeHead(404).end();
    }
  }, host);
  return { ...server, hits };
}

/** A file attached in the personal chat, as Teams posts it once the app supports files. */
function fileShared(
  serviceUrl: string,
  file: { name: string; downloadUrl: string; fileType: string; contentUrl: string },
  fields: Record<string, unknown> = {},
) {
  return activity(serviceUrl, {
    text: "",
    attachments: [
      {
        contentType: FILE_DOWNLOAD_INFO,
        contentUrl: file.contentUrl,
        name: file.name,
        content: {
          downloadUrl: file.downloadUrl,
          uniqueId: "1150D938-8870",
          fileType: file.fileType,
        },
      },
    ],
    ...fields,
  });
}

describe("Teams file attachments, read from the activity", () => {
  it("takes the first file.download.info attachment with a download link", () => {
    const file = attachedFile({
      attachments: [
        { contentType: "text/html", content: "<p>hi</p>" },
        { contentType: FILE_DOWNLOAD_INFO, name: "no-link.png", content: {} },
        {
          contentType: FILE_DOWNLOAD_INFO,
          name: "Badge.SVG",
          content: { downloadUrl: "https://example.test/d/1" },
        },
      ],
    });
    expect(file).toEqual({
      name: "Badge.SVG",
      downloadUrl: "https://example.test/d/1",
      fileType: "svg",
    });
    expect(attachedFile({ attachments: [{ contentType: "image/png", contentUrl: "x" }] })).toBe(
      undefined,
    );
  });

  it.each([
    ["png", "image/png"],
    ["svg", "image/svg+xml"],
    ["json", "application/json"],
    ["jwt", "application/jwt"],
    ["docx", "application/octet-stream"],
  ])("reads the file type %s as %s", (fileType, type) => {
    expect(contentTypeOf({ fileType })).toBe(type);
  });

  it("is switched on in the app manifest", () => {
    const manifest = JSON.parse(readFileSync(`${APP_PACKAGE_DIR}/manifest.json`, "utf8"));
    expect(manifest.bots[0].supportsFiles).toBe(true);
  });
});

describe("the file downloader", () => {
  let host: Awaited<ReturnType<typeof startFileHost>>;
  beforeAll(async () => {
    host = await startFileHost("127.0.0.1");
  });
  afterAll(async () => {
    await host?.close();
  });

  it("refuses loopback unless allowed, as badge links are, without contacting it", async () => {
    const before = host.hits.length;
    await expect(
      createFileDownloader()(`${host.base}/download/badge.png`, 1_000_000),
    ).rejects.toBeInstanceOf(FileDownloadError);
    expect(host.hits).toHaveLength(before);
  });

  it("stops one byte past the limit, with or without a declared length", async () => {
    const download = createFileDownloader({ allowRanges: ["127.0.0.1/32"] });
    expect((await download(`${host.base}/download/big.png`, 1_000)).byteLength).toBe(1_001);
    expect((await download(`${host.base}/download/streamed-big.json`, 1_000)).byteLength).toBe(
      1_001,
    );
  });

  it("keeps the download link, which grants access to the file, out of its errors", async () => {
    const download = createFileDownloader({ allowRanges: ["127.0.0.1/32"] });
    const error = await download(`${host.base}/download/loop?tempauth=secret-grant`, 1_000).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FileDownloadError);
    expect((error as Error).message).toContain("Too many redirects");
    expect((error as Error).message).not.toContain("secret-grant");
  });
});

describe("badge files in a Teams personal chat: CloudAdapter over HTTP, the verification job and a fake Bot Connector", () => {
  let h: TeamsService;
  let host: Awaited<ReturnType<typeof startFileHost>>;
  /** Listens on a loopback address that VERIFY_ALLOW_RANGES does not allow. */
  let forbidden: Awaited<ReturnType<typeof startFileHost>>;
  const clock = new ManualClock("2026-06-01T09:00:00Z");

  beforeAll(async () => {
    host = await startFileHost("127.0.0.1");
    forbidden = await startFileHost("127.0.0.2");
    h = await startTeamsService({
      label: "teams_files",
      members: [rosterEntry(ALICE, "alice@example.test")],
      config: { verification: { allowRanges: ["127.0.0.1/32"] } },
      // Web and worker in one process: the badge check runs and reports back.
      role: "all",
      clock,
      authorization: `Bearer ${INBOUND_TOKEN}`,
    });
  });
  afterAll(async () => {
    await h?.close();
    await host?.close();
    await forbidden?.close();
  });

  const share = (name: string, path: string, fileType: string, base = host.base) =>
    h.replyTo(
      fileShared(h.fake.serviceUrl, {
        name,
        fileType,
        downloadUrl: `${base}${path}?tempauth=one-time-grant`,
        // Where the file lives in OneDrive; only the download link is ever used.
        contentUrl: `${host.base}/onedrive/${encodeURIComponent(name)}`,
      }),
    );

  const completion = (title: string) =>
    h.db
      .selectFrom("completions")
      .innerJoin("goals", "goals.id", "completions.goal_id")
      .where("goals.title", "=", title)
      .select(["verification_status", "credential_kind", "raw_credential", "evidence_url"])
      .executeTakeFirst();

  const hitsTo = (path: string) => host.hits.filter((h) => h.path === path);

  it("says what to do when there is no completed goal, and stores nothing", async () => {
    const reply = await share("badge.png", "/download/badge.png", "png");
    expect(reply).toContain("I couldn't find a completed goal to attach this to");
    expect(reply).toContain("learn done \\<goal\\>");
    expect(await h.db.selectFrom("completions").select("id").execute()).toEqual([]);
  });

  it("checks a baked badge attached after completing a goal and messages what it found", async () => {
    expect(await h.say("goal Puffin law")).toContain("Goal set");
    expect(await h.say("done puffin")).toContain("Puffin law");
    const downloadsBefore = hitsTo("/download/badge.png").length;

    const checking = await share("badge.png", "/download/badge.png", "png");
    expect(checking).toContain("Checking your badge for **Puffin law**");

    const result = await h.fake.waitFor(
      (c) => c.operation === "send" && readCard(cardOf(c.body)).includes("Teamwork"),
      20_000,
    );
    expect(result.conversationId).toBe(PERSONAL.id);
    const text = readCard(cardOf(result.body));
    // conformant, but nothing binds the sample badge's key to its issuer
    expect(text).toContain("can't show as verified");
    expect(text).toContain("Example Corp");
    expect(await completion("Puffin law")).toMatchObject({
      verification_status: "unverified",
      credential_kind: "ob3",
      evidence_url: null,
    });

    // Downloaded once, from the pre-authorized link, with no credentials of any kind.
    const downloads = hitsTo("/download/badge.png").slice(downloadsBefore);
    expect(downloads).toHaveLength(1);
    expect(downloads[0]!.headers.authorization).toBeUndefined();
    expect(downloads[0]!.headers.cookie).toBeUndefined();
    expect(JSON.stringify(host.hits.map((h) => h.headers))).not.toContain(INBOUND_TOKEN);
    expect(host.hits.filter((h) => h.path.startsWith("/onedrive/"))).toEqual([]);
  });

  describe("with a completed goal waiting for its badge", () => {
    const title = "Narwhal knitting";
    let before: Awaited<ReturnType<typeof completion>>;

    beforeAll(async () => {
      expect(await h.say(`goal ${title}`)).toContain("Goal set");
      expect(await h.say("done narwhal")).toContain(title);
      before = await completion(title);
      expect(before).toMatchObject({ raw_credential: null });
      expect(before?.verification_status).not.toBe("pending");
    });

    it("turns away a file over 1 MB kindly and keeps the goal as it was", async () => {
      expect(await share("badge.png", "/download/big.png", "png")).toContain(
        "That file is over 1 MB, too large for a badge.",
      );
      expect(await share("badge.json", "/download/streamed-big.json", "json")).toContain(
        "too large for a badge",
      );
      expect(await completion(title)).toEqual(before);
    });

    it("turns away a file that cannot be a badge without downloading it, name escaped", async () => {
      const name = "**prize** [notes](https://evil.example).docx";
      const reply = await share(name, "/download/notes.docx", "docx");
      expect(reply).toContain("I can only check badge files");
      expect(reply).toContain("\\*\\*prize\\*\\* \\[notes\\](https://evil.example).docx");
      expect(reply).not.toContain("[notes](");
      expect(hitsTo("/download/notes.docx")).toEqual([]);
      expect(await completion(title)).toEqual(before);
    });

    it("says a download that failed failed, and keeps the goal as it was", async () => {
      for (const path of ["/download/missing.png", "/download/expired.png"]) {
        const reply = await share("my [badge].png", path, "png");
        expect(reply).toContain("I couldn't download “my \\[badge\\].png” from Teams");
        expect(reply).toContain("nothing has changed");
        expect(reply).not.toContain("Something went wrong");
      }
      expect(hitsTo("/download/missing.png")).toHaveLength(1);
      expect(await completion(title)).toEqual(before);
    });

    it("never contacts a download host on an address badge links may not reach", async () => {
      const reply = await share("badge.png", "/download/badge.png", "png", forbidden.base);
      expect(reply).toContain("I couldn't download");
      expect(forbidden.hits).toEqual([]);
      expect(await completion(title)).toEqual(before);
    });

    it("does not fetch an image pasted into the chat, and says how to attach the badge", async () => {
      const attachmentUrl = `${h.fake.serviceUrl}v3/attachments/0-wus-d1-abc/views/original`;
      const reply = await h.replyTo(
        activity(h.fake.serviceUrl, {
          text: "",
          attachments: [
            { contentType: "image/png", contentUrl: attachmentUrl },
            { contentType: "text/html", content: `<p><img src="${attachmentUrl}"></p>` },
          ],
        }),
      );
      expect(reply).toContain("I can't read images pasted into the chat");
      expect(reply).toContain("Attach file");
      expect(h.fake.calls.filter((c) => c.path.includes("/v3/attachments"))).toEqual([]);
      expect(await completion(title)).toEqual(before);
    });

    it("leaves files in channels alone and reads the command", async () => {
      const downloads = host.hits.length;
      const message = channelMessage(h.fake.serviceUrl, "learn goals");
      const calls = await h.exchange({
        ...message,
        attachments: [
          {
            contentType: FILE_DOWNLOAD_INFO,
            name: "badge.png",
            content: { downloadUrl: `${host.base}/download/badge.png?channel`, fileType: "png" },
          },
        ],
      });
      expect(calls.map((c) => c.operation)).toEqual(["send", "reply"]);
      // The command is answered (in the personal chat); the file is not looked at.
      expect(readCard(cardOf(calls[0]!.body))).toContain("learning goals");
      expect(host.hits).toHaveLength(downloads);
      expect(await completion(title)).toEqual(before);
    });
  });
});
