import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Core } from "../../src/commands/core.ts";
import { orgFeature } from "../../src/commands/features/org.ts";
import { privacyFeature } from "../../src/commands/features/privacy.ts";
import { createCore } from "../../src/commands/router.ts";
import type { Reply } from "../../src/messages/model.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { actor, buttons, text } from "../commands/harness.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { tablesMentioning } from "./seed.ts";

const clock = new ManualClock("2026-11-04T14:00:00Z");
const bob = actor("UBOB7");
const ada = actor("UADA7");
const carl = actor("UCARL7");

const files = (reply: Reply) => (reply.kind === "message" ? (reply.message.files ?? []) : []);
const decode = (data: Uint8Array) => new TextDecoder().decode(data);

describe("my data, delete my data, admin forget and admin audit", () => {
  let t: TestDatabase;
  let core: Core;

  beforeAll(async () => {
    t = await createTestDatabase("privacy_cmd");
    core = createCore({ db: t.db, clock, admins: ["uada7@example.com"] }, [
      orgFeature,
      privacyFeature,
    ]);
    for (const a of [bob, ada, carl]) await core.command(a, "goal Learn Rust");
    await core.command(bob, "log 2 rust <@UADA7> said hi");
    expect(text(await core.command(ada, "admin manager <@UBOB7|bob> <@UADA7|ada>"))).toContain(
      "now reports to",
    );
    await core.command(ada, "report");
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("sends a person everything about them as JSON and CSV, and who viewed their reports", async () => {
    const reply = await core.command(bob, "my data");
    const [jsonFile, csvFile] = files(reply);
    expect(jsonFile?.filename).toBe("stackup-my-data-2026-11-04.json");
    const data = JSON.parse(decode(jsonFile!.data));
    expect(data.person.platform_user_id).toBe("UBOB7");
    expect(data.tables.goals.map((g: { title: string }) => g.title)).toEqual(["Learn Rust"]);
    expect(data.tables.progress_events).toHaveLength(1);
    expect(JSON.stringify(data)).not.toContain("UCARL7");
    expect(decode(csvFile!.data)).toContain("Learn Rust,2");
    expect(text(reply)).toContain("Reports that included you were viewed by:\n• Person UADA7");
    // Dee joined after the report was viewed.
    expect(text(await core.command(actor("UDEE7"), "my data"))).toContain(
      "No one has viewed a report that included you.",
    );
  });

  it("erases a person only after the button and the typed word", async () => {
    const ask = await core.command(bob, "delete my data");
    const [button] = buttons(ask);
    expect(button).toMatchObject({ action: "privacy.erase", style: "danger" });
    const form = await core.action(bob, button!.action, button!.value);
    expect(form.kind).toBe("form");
    expect(await core.submit(bob, "privacy.erase", undefined, { confirm: "yes" })).toEqual({
      ok: false,
      errors: { confirm: "Type DELETE to delete your data." },
    });
    expect(await tablesMentioning(t.db, ["UBOB7"])).not.toEqual({});
    const done = await core.submit(bob, "privacy.erase", undefined, { confirm: " delete " });
    expect(done.ok).toBe(true);
    expect(await tablesMentioning(t.db, ["UBOB7", "ubob7@example.com", "Person UBOB7"])).toEqual(
      {},
    );
  });

  it("lets an admin forget someone, and shows it in the audit with a CSV", async () => {
    expect(text(await core.command(carl, "admin forget <@UADA7|ada>"))).toContain(
      "Only workspace admins",
    );
    expect(text(await core.command(ada, "admin forget <@UCARL7|carl>"))).toBe(
      "Person UCARL7 and everything Stackup held about them are erased.",
    );
    expect(await tablesMentioning(t.db, ["UCARL7"])).toEqual({});
    expect(text(await core.command(ada, "admin forget <@UCARL7|carl>"))).toContain(
      "I don't know that person",
    );
    const audit = await core.command(ada, "admin audit 7");
    const shown = text(audit);
    for (const action of ["privacy.forget", "privacy.erase", "report.view", "org.manager"])
      expect(shown).toContain(action);
    expect(shown).toContain("Person UADA7 · privacy.forget · admin");
    const csv = decode(files(audit)[0]!.data);
    // Column names in the admin's language, in AUDIT_COLUMNS' order.
    expect(csv.split("\n")[0]).toBe("At,By,Action,Scope,About,Detail");
    expect(csv).toContain("privacy.forget");
    expect(text(await core.command(ada, "admin audit 0"))).toContain("Pick between 1 and 366");
    expect(text(await core.command(ada, "admin audit 1"))).toContain("audit.view");
  });
});
