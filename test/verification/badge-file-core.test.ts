import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor, Core, SharedFile } from "../../src/commands/core.ts";
import { createCore } from "../../src/commands/router.ts";
import { MAX_BADGE_FILE_BYTES } from "../../src/domain/verification/service.ts";
import { messageText, type Reply } from "../../src/messages/model.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

const ada: Actor = {
  platform: "slack",
  workspaceExternalId: "T1",
  userExternalId: "UADA",
  profile: async () => ({ displayName: "Ada", email: "ada@example.test", timeZone: "UTC" }),
};

const text = (reply: Reply) => {
  if (reply.kind !== "message") throw new Error(`got ${reply.kind}`);
  return messageText(reply.message);
};

/** A shared file that counts its downloads. */
function shared(name: string, contentType: string, size: number, bytes = new Uint8Array(size)) {
  const file = {
    name,
    contentType,
    size,
    downloads: 0,
    async bytes() {
      file.downloads++;
      return bytes;
    },
  } satisfies SharedFile & { downloads: number };
  return file;
}

describe("core.file: which shared files are taken as badges", () => {
  let t: TestDatabase;
  let core: Core;
  const queued: unknown[] = [];

  beforeAll(async () => {
    t = await createTestDatabase("badge_file_core");
    core = createCore({
      db: t.db,
      clock: new ManualClock("2026-06-01T09:00:00Z"),
      jobs: {
        async enqueue(job, data) {
          queued.push({ job, data });
        },
      },
    });
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("turns a declared size over 1 MB away without downloading it", async () => {
    const file = shared("badge.png", "image/png", MAX_BADGE_FILE_BYTES + 1);
    expect(text(await core.file(ada, file))).toContain("over 1 MB");
    expect(file.downloads).toBe(0);
  });

  it("believes the download over the declared size", async () => {
    const file = shared("badge.png", "image/png", 10, new Uint8Array(MAX_BADGE_FILE_BYTES + 1));
    expect(text(await core.file(ada, file))).toContain("over 1 MB");
  });

  it("takes a JWT by its name whatever type the platform reports, and a PNG by its type", async () => {
    for (const file of [
      shared("badge.jwt", "application/octet-stream", 20),
      shared("Badge", "image/png", 20),
    ]) {
      expect(text(await core.file(ada, file))).toContain("couldn't find a completed goal");
      expect(file.downloads).toBe(1);
    }
    const pdf = shared("certificate.pdf", "application/pdf", 20);
    expect(text(await core.file(ada, pdf))).toContain("I can only check badge files");
    expect(pdf.downloads).toBe(0);
  });

  it("queues the check for the latest completed goal that is not verified", async () => {
    await core.command(ada, "goal Otter law");
    await core.command(ada, "done otter");
    const reply = text(await core.file(ada, shared("badge.svg", "image/svg+xml", 30)));
    expect(reply).toContain("Checking your badge for Otter law…");
    expect(queued).toEqual([
      {
        job: "verification.verify",
        data: {
          completionId: expect.any(Number),
          shareId: expect.any(String),
          file: expect.any(String),
        },
      },
    ]);
  });
});
