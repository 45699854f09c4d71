import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor, Core } from "../../src/commands/core.ts";
import { createCore } from "../../src/commands/router.ts";
import { AUDIT_COLUMNS } from "../../src/domain/audit/csv.ts";
import { PSEUDO_LOCALE } from "../../src/i18n/index.ts";
import { type Message, messageText } from "../../src/messages/model.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { actor } from "../org/seed.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { untranslated } from "./fixtures.ts";

const ada = actor("U0ADMIN", "Ada", { admin: true });
const rita = actor("U0R1", "Rita");
const mia = actor("U0M1", "Mia");
const sam1 = actor("U0S1", "Sam");
const sam2 = actor("U0S2", "Sam");
const LONG = "N".repeat(81);

/** The people's and teams' own words, which stay as typed. */
const DATA = [
  "Platform",
  "Quiet",
  "Nope",
  "Rita",
  "rita",
  "Mia",
  "mia",
  "Sam",
  "nobody",
  "klingon",
  "bob",
  "#ops",
  "#platform",
  "#plat2",
  "Europe/Berlin",
  "Mars/Olympus",
  LONG,
];

const message = (reply: Awaited<ReturnType<Core["command"]>>): Message => {
  if (reply.kind !== "message") throw new Error(`got ${reply.kind}`);
  return reply.message;
};

describe("admin replies come from the catalogue", () => {
  let t: TestDatabase;
  let core: Core;
  const clock = new ManualClock("2026-11-30T09:00:00Z");
  const said = async (who: Actor, text: string) => message(await core.command(who, text));

  beforeAll(async () => {
    t = await createTestDatabase("messages_org_admin");
    core = createCore({ db: t.db, clock });
    for (const a of [ada, rita, mia, sam1, sam2]) await core.command(a, "leaderboard");
    await core.command(ada, `settings language ${PSEUDO_LOCALE}`);
    await core.command(rita, `settings language ${PSEUDO_LOCALE}`);
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("every admin reply and parse error, under the pseudo-locale", async () => {
    const commands = [
      "admin team create Platform <#C0PLAT|platform>",
      "admin team create Quiet",
      "admin team create Platform",
      "admin team create Ops #ops",
      "admin team create",
      `admin team create ${LONG}`,
      "admin team create Ops <@U0R1|rita>",
      "admin team create Ops <#C1|a> <#C2|b>",
      "admin team create <#C1|a> Ops",
      "admin team channel Platform",
      "admin team channel <@U0R1|rita> <#C0P2|plat2>",
      "admin team channel <#C0P2|plat2>",
      "admin team channel Nope <#C0P2|plat2>",
      "admin team channel Platform here",
      "admin team channel Platform <#C0P2|plat2>",
      "admin team add Platform",
      "admin team add <@U0R1|rita>",
      "admin team add Platform <@U0R1|rita> bob",
      "admin team add Platform <@U0R1|rita>",
      "admin team add Platform <@U0R1|rita>",
      "admin team add Platform @nobody",
      "admin team add Platform @Sam",
      "admin team language Platform de",
      "admin team language Platform off",
      "admin team language Platform klingon",
      "admin team language Platform",
      "admin team language Nope ja",
      "admin manager <@U0R1|rita> <@U0M1|mia>",
      "admin manager <@U0M1|mia> <@U0R1|rita>",
      "admin manager <@U0R1|rita> <@U0R1|rita>",
      "admin manager <@U0R1|rita> none",
      "admin manager <@U0R1|rita>",
      "admin role <@U0R1|rita> manager",
      "admin role <@U0R1|rita> admin",
      "admin role <@U0R1|rita> member",
      "admin role <@U0R1|rita> boss",
      "admin digest Platform mon 9:00 Europe/Berlin",
      "admin digest Quiet tue 10:00",
      "admin digest Platform mon,tue 9:00",
      "admin digest Platform mon 25:99",
      "admin digest Platform funday 9:00",
      "admin digest Platform mon 9:00 Mars/Olympus",
      "admin digest Platform",
      "admin digest Nope mon 9:00",
      "admin frobnicate",
      "admin audit 999",
      "admin audit @nobody",
      "admin audit 7 days",
    ];
    const replies: [string, Message][] = [];
    for (const c of commands) replies.push([c, await said(ada, c)]);
    replies.push(["(not an admin)", await said(rita, "admin team create Ops")]);
    const leftOver = replies.flatMap(([c, m]) =>
      untranslated(m, DATA).map((rest) => `${c}: ${rest}`),
    );
    expect(leftOver).toEqual([]);
    // Not vacuous: each reply says something from the catalogue.
    for (const [, m] of replies) expect(m.summary).toMatch(/⟦/);
  });

  it("names the audit CSV and its columns from the catalogue, in their fixed order", async () => {
    const file = (await said(ada, "admin audit")).files?.[0];
    expect(file?.title).toMatch(/^⟦[^⟦⟧]+⟧$/);
    const header = new TextDecoder().decode(file!.data).split("\n")[0]!.split(",");
    expect(header).toHaveLength(AUDIT_COLUMNS.length);
    for (const cell of header) expect(cell).toMatch(/^⟦[^⟦⟧]+⟧$/);
  });

  it("says it in the admin's language: German, with German weekdays and clock", async () => {
    await core.command(ada, "settings language de");
    const created = messageText(await said(ada, "admin team create Data <#C0DATA|data>"));
    expect(created).toContain("Team Data angelegt.");
    expect(created).toContain("Sein Digest geht jeden Montag um 09:00 (UTC) an #data");
    expect(messageText(await said(ada, "admin digest Data fri 4pm Europe/Berlin"))).toBe(
      "Der Digest von Data geht jetzt jeden Freitag um 16:00 (Europe/Berlin) raus.",
    );
    expect(messageText(await said(ada, "admin team language Data ja"))).toBe(
      "Der Digest von Data ist jetzt auf Japanisch.",
    );
    expect(messageText(await said(ada, "admin team add Data <@U0R1|rita> <@U0M1|mia>"))).toContain(
      "2 Personen zu Data hinzugefügt.",
    );
    expect(messageText(await said(ada, "admin digest Data mon,tue 9:00"))).toContain(
      "Der Digest geht an einem Tag pro Woche raus.",
    );
    await core.command(ada, "settings language ja");
    expect(messageText(await said(ada, "admin team create Data"))).toContain(
      "Dataというチームはすでにあります。",
    );
  });

  it("records the team's language and audits the change", async () => {
    const team = await t.db
      .selectFrom("teams")
      .where("name", "=", "Data")
      .select(["id", "locale"])
      .executeTakeFirstOrThrow();
    expect(team.locale).toBe("ja");
    const audit = await t.db
      .selectFrom("audit_log")
      .where("action", "=", "org.team.language")
      .select(["scope", "detail"])
      .execute();
    expect(audit.at(-1)).toMatchObject({
      scope: "Data",
      detail: { team: team.id, before: null, after: "ja" },
    });
  });
});
