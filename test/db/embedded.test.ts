import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/commands/core.ts";
import { createCore } from "../../src/commands/router.ts";
import { createDatabase } from "../../src/db/database.ts";
import { startEmbeddedPostgres } from "../../src/db/embedded.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { messageText } from "../../src/messages/model.ts";
import { ManualClock } from "../../src/time/clock.ts";

const actor: Actor = {
  platform: "slack",
  workspaceExternalId: "T1",
  userExternalId: "U1",
  profile: async () => ({ displayName: "Ada", email: null, timeZone: "Asia/Kathmandu" }),
};

describe("embedded PostgreSQL (PGlite served over loopback)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "stackup-embedded-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs the migrations and a goal round trip through the same pg pool, and keeps data on disk", async () => {
    const clock = new ManualClock("2026-11-30T09:00:00Z");
    let pg = await startEmbeddedPostgres({ dataDir: dir, name: "app" });
    let handle = createDatabase({ connectionString: pg.connectionString, max: 4 });
    expect(await migrateToLatest(handle.db)).toContain("20261129_001_core_schema");
    const core = createCore({ db: handle.db, clock });
    await core.command(actor, "goal AI for Everyone in 3 weeks");
    await core.command(actor, "log 1.5 chapter one");
    await handle.close();
    await pg.stop();

    pg = await startEmbeddedPostgres({ dataDir: dir, name: "app" });
    handle = createDatabase({ connectionString: pg.connectionString, max: 4 });
    try {
      expect(await migrateToLatest(handle.db)).toEqual([]);
      const reply = await createCore({ db: handle.db, clock }).command(actor, "goals");
      expect(reply.kind === "message" && messageText(reply.message)).toContain("1.5 h of 6 h");
    } finally {
      await handle.close();
      await pg.stop();
    }
  }, 90_000);
});
