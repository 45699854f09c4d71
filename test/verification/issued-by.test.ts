import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderMrkdwn } from "../../adapters/slack/mrkdwn.ts";
import { renderMarkdown } from "../../adapters/teams/markdown.ts";
import { orgFeature } from "../../src/commands/features/org.ts";
import { createCore } from "../../src/commands/router.ts";
import { OrgRepository } from "../../src/domain/org/repository.ts";
import { reportCsv } from "../../src/domain/reports/csv.ts";
import { buildDigests } from "../../src/domain/reports/digest.ts";
import { leaderboard } from "../../src/domain/reports/leaderboard.ts";
import { buildReport } from "../../src/domain/reports/report.ts";
import { currentWindow } from "../../src/domain/scoring/periods.ts";
import { VerificationRepository } from "../../src/domain/verification/repository.ts";
import { messageText } from "../../src/messages/model.ts";
import { digestMessage, leaderboardMessage } from "../../src/messages/org.ts";
import { showcaseMessage } from "../../src/messages/verification.ts";
import { ManualClock } from "../../src/time/clock.ts";
import { actor, complete, goal, text, userId } from "../org/seed.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

// Monday 26 Oct 2026, 09:00 in Berlin: the digest covers Mon 19 – Sun 25 Oct.
const clock = new ManualClock("2026-10-26T08:00:00Z");

/**
 * What others see of a verified completion: the proven issuer domain beside ✓, no ✓ for a badge
 * not yet checked under the trust rules, and a badge from an anonymous issuer said to be so.
 */
describe("issued by <domain> wherever others see a completion", () => {
  let t: TestDatabase;
  const ids: Record<string, number> = {};
  const goals: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestDatabase("verification_issued_by");
    const core = createCore({ db: t.db, clock }, [orgFeature]);
    const people = [
      actor("U0ADMIN", "Ada", { admin: true }),
      actor("U0V", "Vera"),
      actor("U0L", "Lou"),
      actor("U0K", "Kim"),
    ];
    for (const a of people) {
      await core.command(a, "leaderboard");
      ids[a.userExternalId] = await userId(t.db, a.userExternalId, a.workspaceExternalId);
    }
    await core.command(people[0]!, "admin team create Data <#C0DATA|data>");
    await core.command(people[0]!, "admin team add Data <@U0V|vera> <@U0L|lou> <@U0K|kim>");
    await core.command(people[0]!, "admin digest Data monday 09:00 Europe/Berlin");
    // Vera: a trusted badge; its (hostile-looking) host must stay literal text everywhere.
    goals.vera = await goal(t.db, ids.U0V!, "Cloud", "2026-10-01T08:00:00Z");
    await complete(t.db, goals.vera, "2026-10-20T10:00:00Z", true);
    await t.db
      .updateTable("completions")
      // her own words for the goal stay hers: others see the badge's own name
      .set({ issuer_domain: "badges_*x*_.example", achievement_name: "Cloud Practitioner" })
      .where("goal_id", "=", goals.vera)
      .execute();
    // Lou: shown verified before the trust rules, not re-checked yet (trusted is null).
    goals.lou = await goal(t.db, ids.U0L!, "Kotlin", "2026-10-01T08:00:00Z");
    await complete(t.db, goals.lou, "2026-10-21T10:00:00Z", true);
    await t.db
      .updateTable("completions")
      .set({
        trusted: null,
        issuer_domain: null,
        trust_recheck_due: true,
        achievement_name: "Kotlin Pro",
      })
      .where("goal_id", "=", goals.lou)
      .execute();
    // Kim: a conformant badge from a did:key issuer, anonymous, so unverified.
    goals.kim = await goal(t.db, ids.U0K!, "Go", "2026-10-01T08:00:00Z");
    await complete(t.db, goals.kim, "2026-10-22T10:00:00Z", false);
    await t.db
      .updateTable("completions")
      .set({
        trusted: false,
        trust_reasons: JSON.stringify([
          { code: "issuer.anonymous", message: "no domain", severity: "error" },
        ]),
      })
      .where("goal_id", "=", goals.kim)
      .execute();
  });

  afterAll(async () => {
    await t?.drop();
  });

  const everyone = () => [ids.U0V!, ids.U0L!, ids.U0K!];
  const month = () => currentWindow("month", clock.now(), "UTC");

  it("names the proven domain in the manager report and its CSV, and nothing without trust", async () => {
    const report = await buildReport(t.db, everyone(), month(), clock.now());
    const byName = new Map(report.people.map((p) => [p.name, p.completions[0]!]));
    expect(byName.get("Vera")).toMatchObject({
      verified: true,
      issuerDomain: "badges_*x*_.example",
    });
    expect(byName.get("Lou")).toMatchObject({ verified: false, status: "verified", trusted: null });
    expect(byName.get("Kim")).toMatchObject({ verified: false, anonymous: true });

    const rows = parse(reportCsv(report), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.person, r.verified, r.verification, r.issued_by])).toEqual([
      ["Kim", "no", "anonymous", ""],
      ["Lou", "no", "rechecking", ""],
      ["Vera", "yes", "verifiedBy", "badges_*x*_.example"],
    ]);

    const core = createCore({ db: t.db, clock }, [orgFeature]);
    const shown = text(
      await core.command(actor("U0ADMIN", "Ada", { admin: true }), "report Data month"),
    );
    expect(shown).toContain(
      "Cloud Practitioner, 20 Oct 2026, ✓ verified · issued by badges_*x*_.example",
    );
    expect(shown).toContain("Kotlin, 21 Oct 2026, unverified (being re-checked)");
    expect(shown).toContain("Go, 22 Oct 2026, unverified (anonymous issuer)");
  });

  it("gives points and ✓ on the leaderboard only for a trusted badge, naming its issuer", async () => {
    const board = await leaderboard(t.db, everyone(), month(), ids.U0V!);
    const vera = board.standings.find((s) => s.userId === ids.U0V)!;
    const lou = board.standings.find((s) => s.userId === ids.U0L)!;
    // 5 for a completion without an estimate, +10 only for the trusted one
    expect([vera.points, lou.points]).toEqual([15, 5]);
    expect(vera.labels).toMatchObject({ verified: 1, issuers: ["badges_*x*_.example"] });
    expect(lou.labels).toMatchObject({ verified: 0, unverified: 1, issuers: [] });
    const message = leaderboardMessage(board, "Data");
    expect(messageText(message)).toContain(
      "1. Vera — 15 pts · 0 h · 1 completion (✓ verified · issued by badges_*x*_.example)",
    );
    expect(messageText(message)).toContain("Lou — 5 pts · 0 h · 1 completion (unverified)");
  });

  it("shows the domain in the team digest, escaped for Slack and Teams", async () => {
    const workspace = await t.db
      .selectFrom("users")
      .select("workspace_id")
      .where("id", "=", ids.U0V!)
      .executeTakeFirstOrThrow();
    const team = await new OrgRepository(t.db).team(workspace.workspace_id, "Data");
    const [d] = await buildDigests(t.db, [{ team: team!, digestDate: "2026-10-26" }], clock.now());
    const message = digestMessage(d!, null);
    const lines = messageText(message);
    expect(lines).toContain(
      "• Cloud Practitioner — Vera · ✓ verified · issued by badges_*x*_.example",
    );
    expect(lines).toContain("• Kotlin — Lou · unverified (being re-checked)");
    expect(lines).toContain("• Go — Kim · unverified (anonymous issuer)");
    const block = message.blocks.find(
      (b) => b.type === "text" && messageText({ summary: "", blocks: [b] }).startsWith("Completed"),
    );
    if (block?.type !== "text") throw new Error("no completions block");
    // the markers stay literal: no bold or italic can open inside the domain
    expect(renderMrkdwn(block.text)).toContain(
      "issued by badges\u200B_\u200B\u200B*\u200Bx\u200B*\u200B\u200B_\u200B.example",
    );
    expect(renderMarkdown(block.text)).toContain("issued by badges\\_\\*x\\*\\_.example");
  });

  it("labels the showcase the same way", async () => {
    const repo = new VerificationRepository(t.db);
    const vera = messageText(showcaseMessage(await repo.completedForUser(ids.U0V!)));
    expect(vera).toContain(
      "Cloud Practitioner — badges_*x*_.example · ✓ verified · issued by badges_*x*_.example",
    );
    const lou = showcaseMessage(await repo.completedForUser(ids.U0L!));
    expect(messageText(lou)).toContain("Kotlin · unverified (being re-checked)");
    expect(lou.summary).toBe("1 credential, 0 verified");
  });
});
