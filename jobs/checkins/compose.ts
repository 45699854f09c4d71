import type { Kysely } from "kysely";
import { sql } from "kysely";
import { COMMAND_PREFIX } from "../../src/commands/router.ts";
import type { Database, User } from "../../src/db/types.ts";
import { DeliveryRepository } from "../../src/domain/checkins/deliveries.ts";
import { chooseNudge, IGNORED_BEFORE_ASKING } from "../../src/domain/checkins/nudges.ts";
import type { DeliveryRow, ScheduleRow } from "../../src/domain/checkins/types.ts";
import { checkinDb } from "../../src/domain/checkins/types.ts";
import type { GoalService } from "../../src/domain/goals/service.ts";
import {
  askPauseMessage,
  checkinMessage,
  nudgeMessage,
  planLine,
} from "../../src/messages/checkins.ts";
import type { ViewContext } from "../../src/messages/goals.ts";
import type { Message } from "../../src/messages/model.ts";
import { isoWeekStart } from "../../src/time/local.ts";

export type StateChange = Partial<
  Pick<ScheduleRow, "ignored_in_row" | "quiet_since" | "last_checkin_at" | "streak_celebrated">
>;

export type Composed =
  | { send: true; message: Message; messageKind: string; goalId: number | null; state: StateChange }
  | { send: false; reason: string; state: StateChange };

const DAY_MS = 86_400_000;

/** Decides what one due delivery says, if anything, from the plan and the person's answers. */
export async function compose(
  db: Kysely<Database>,
  goals: GoalService,
  delivery: DeliveryRow,
  now: Date,
  nudgesPerWeek: number,
): Promise<Composed> {
  const cdb = checkinDb(db);
  const found = await cdb
    .selectFrom("users as u")
    .innerJoin("workspaces as w", "w.id", "u.workspace_id")
    .leftJoin("checkin_schedules as s", "s.user_id", "u.id")
    .where("u.id", "=", delivery.user_id)
    .selectAll("u")
    .select([
      "w.platform",
      "s.ignored_in_row",
      "s.quiet_since",
      "s.last_checkin_at",
      "s.last_acted_at",
      "s.streak_celebrated",
      sql<Date | null>`(select max(occurred_at) from progress_events p where p.user_id = u.id)`.as(
        "last_progress_at",
      ),
    ])
    .executeTakeFirst();
  if (!found) return { send: false, reason: "no such person", state: {} };
  const { platform, last_progress_at, ...rest } = found;
  const user = rest as unknown as User;
  const ctx: ViewContext = {
    now,
    timeZone: user.time_zone,
    commandPrefix: COMMAND_PREFIX[platform],
  };
  const views = await goals.list(user, ["active"]);
  if (views.length === 0) return { send: false, reason: "no active goals", state: {} };

  const after = (a: Date | null, b: Date | null) => a !== null && (b === null || a > b);
  // Quiet after asking to pause, until the person logs progress or answers.
  let quiet = found.quiet_since;
  if (quiet && (after(found.last_acted_at, quiet) || after(last_progress_at, quiet))) quiet = null;
  const unquiet: StateChange =
    quiet === found.quiet_since ? {} : { quiet_since: null, ignored_in_row: 0 };

  if (delivery.kind === "checkin") {
    if (quiet) return { send: false, reason: "quiet until the person acts", state: {} };
    const last = found.last_checkin_at;
    const answered =
      last === null || after(found.last_acted_at, last) || after(last_progress_at, last);
    const ignored = answered ? 0 : (found.ignored_in_row ?? 0) + 1;
    if (ignored >= IGNORED_BEFORE_ASKING) {
      return {
        send: true,
        message: askPauseMessage(ignored, delivery.key),
        messageKind: "ask_pause",
        goalId: null,
        state: { ignored_in_row: ignored, quiet_since: now, last_checkin_at: now },
      };
    }
    const nudge = planLine(views);
    return {
      send: true,
      message: checkinMessage(views, ctx, { key: delivery.key, ...(nudge ? { nudge } : {}) }),
      messageKind: "checkin",
      goalId: null,
      state: { ...unquiet, ignored_in_row: ignored, last_checkin_at: now },
    };
  }

  if (quiet) return { send: false, reason: "quiet until the person acts", state: {} };
  const deliveries = new DeliveryRepository(db);
  const recent = await deliveries.sentNudges(user.id, new Date(now.getTime() - 60 * DAY_MS));
  const weekStart = isoWeekStart(now, user.time_zone);
  const thisWeek = recent.filter((r) => r.sent_at && r.sent_at >= weekStart).length;
  if (thisWeek >= nudgesPerWeek) return { send: false, reason: "weekly nudge cap", state: unquiet };
  const weeks = await sql<{ week: string }>`
    select distinct to_char(date_trunc('week', occurred_at at time zone ${user.time_zone}), 'YYYY-MM-DD') as week
    from progress_events where user_id = ${user.id} and occurred_at >= ${new Date(now.getTime() - 400 * DAY_MS)}`.execute(
    db,
  );
  const nudge = chooseNudge({
    goals: views,
    weeksWithProgress: weeks.rows.map((r) => r.week),
    streakCelebrated: found.streak_celebrated ?? 0,
    recent: recent.map((r) => ({
      kind: r.message_kind ?? "",
      goalId: r.goal_id,
      sentAt: r.sent_at ?? now,
    })),
    now,
    timeZone: user.time_zone,
  });
  if (!nudge) return { send: false, reason: "nothing worth a nudge", state: unquiet };
  return {
    send: true,
    message: nudgeMessage(nudge, ctx, delivery.key),
    messageKind: nudge.kind,
    goalId: nudge.kind === "streak" ? null : nudge.goal.goal.id,
    state: { ...unquiet, ...(nudge.kind === "streak" ? { streak_celebrated: nudge.weeks } : {}) },
  };
}
