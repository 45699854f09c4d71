import type { Kysely } from "kysely";
import type { Database } from "../../src/db/types.ts";
import type { DueDigest, DueSummary } from "../../src/domain/org/digests.ts";
import { OrgRepository } from "../../src/domain/org/repository.ts";
import { orgDb } from "../../src/domain/org/tables.ts";
import { svgToPng, weeklyHoursSvg } from "../../src/domain/reports/chart.ts";
import { buildDigests, type TeamDigest } from "../../src/domain/reports/digest.ts";
import { buildReport } from "../../src/domain/reports/report.ts";
import { previousWindow } from "../../src/domain/scoring/periods.ts";
import type { Attachment, Message } from "../../src/messages/model.ts";
import { digestMessage, reportMessage } from "../../src/messages/org.ts";
import type { Destination, Messenger } from "../../src/ports.ts";
import type { Clock } from "../../src/time/clock.ts";

export interface SendDeps {
  db: Kysely<Database>;
  clock: Clock;
  messenger: Messenger;
}

export function chartOf(d: TeamDigest): Attachment {
  const svg = weeklyHoursSvg(`${d.team.name}: hours per week`, d.weekStarts, d.weeklyHours);
  return {
    filename: `${d.team.name.replace(/[^\w-]+/g, "-").slice(0, 40) || "team"}-hours-${d.digestDate}.png`,
    contentType: "image/png",
    data: svgToPng(svg),
    title: `Team hours per week for the last ${d.weeklyHours.length} weeks`,
  };
}

/**
 * Sends once per idempotency key. The delivery row is claimed with FOR UPDATE SKIP LOCKED and
 * stays locked while sending, so a second worker skips it; it is marked sent in the same
 * transaction, so a failed send rolls back and the job's retry tries again.
 */
async function once(
  deps: SendDeps,
  row: {
    key: string;
    kind: "digest" | "summary";
    workspaceId: number;
    teamId: number | null;
    userId: number | null;
    periodStart: string;
  },
  build: () => Promise<{ to: Destination; message: Message } | null>,
): Promise<"sent" | "skipped"> {
  const db = orgDb(deps.db);
  await db
    .insertInto("org_deliveries")
    .values({
      idempotency_key: row.key,
      kind: row.kind,
      workspace_id: row.workspaceId,
      team_id: row.teamId,
      user_id: row.userId,
      period_start: row.periodStart,
      created_at: deps.clock.now(),
      ref: null,
      sent_at: null,
    })
    .onConflict((oc) => oc.column("idempotency_key").doNothing())
    .execute();
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .selectFrom("org_deliveries")
      .where("idempotency_key", "=", row.key)
      .where("status", "=", "pending")
      .select("idempotency_key")
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!claimed) return "skipped";
    const built = await build();
    if (!built) {
      await trx
        .updateTable("org_deliveries")
        .set({ status: "failed" })
        .where("idempotency_key", "=", row.key)
        .execute();
      return "skipped";
    }
    const delivery = await deps.messenger.send(built.to, built.message);
    await trx
      .updateTable("org_deliveries")
      .set({ status: "sent", ref: delivery.ref, sent_at: deps.clock.now() })
      .where("idempotency_key", "=", row.key)
      .execute();
    return "sent";
  });
}

export async function sendDigest(deps: SendDeps, due: DueDigest): Promise<"sent" | "skipped"> {
  const repo = new OrgRepository(deps.db);
  const team = await repo.teamById(due.teamId);
  if (!team?.channel_id) return "skipped";
  const channelId = team.channel_id;
  return once(
    deps,
    {
      key: due.key,
      kind: "digest",
      workspaceId: team.workspace_id,
      teamId: team.id,
      userId: null,
      periodStart: due.weekStart,
    },
    async () => {
      const [digest] = await buildDigests(
        deps.db,
        [{ team, digestDate: due.digestDate }],
        deps.clock.now(),
      );
      if (!digest) return null;
      return {
        to: { kind: "channel", workspaceId: team.workspace_id, channelId },
        message: digestMessage(digest, chartOf(digest)),
      };
    },
  );
}

export async function sendSummary(deps: SendDeps, due: DueSummary): Promise<"sent" | "skipped"> {
  const repo = new OrgRepository(deps.db);
  const user = await deps.db
    .selectFrom("users")
    .where("id", "=", due.userId)
    .selectAll()
    .executeTakeFirst();
  if (!user) return "skipped";
  return once(
    deps,
    {
      key: due.key,
      kind: "summary",
      workspaceId: user.workspace_id,
      teamId: null,
      userId: user.id,
      periodStart: due.monthStart,
    },
    async () => {
      const now = deps.clock.now();
      const ids = await repo.chain(user.workspace_id, user.id);
      const window = previousWindow("month", now, user.time_zone);
      const report = await buildReport(deps.db, ids, window, now);
      await repo.audit({
        workspaceId: user.workspace_id,
        actorId: user.id,
        action: "report.summary",
        scope: "your reports",
        subjectIds: ids,
        detail: { period: "month", from: window.from.toISOString() },
        at: now,
      });
      const message = reportMessage(
        report,
        "your reports",
        { now, timeZone: user.time_zone, commandPrefix: "/learn" },
        null,
      );
      message.blocks.push({
        type: "context",
        text: ["Monthly summary. Turn it off with ", { code: "report summary off" }, "."],
      });
      return { to: { kind: "user", userId: user.id }, message };
    },
  );
}
