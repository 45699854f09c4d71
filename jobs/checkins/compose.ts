import { type Kysely, sql } from "kysely";
import { COMMAND_PREFIX } from "../../src/commands/router.ts";
import { anyOf } from "../../src/db/arrays.ts";
import type { Database, Platform, User } from "../../src/db/types.ts";
import type { ClaimedDelivery, StateChange } from "../../src/domain/checkins/deliveries.ts";
import { chooseNudge, IGNORED_BEFORE_ASKING } from "../../src/domain/checkins/nudges.ts";
import { checkinDb } from "../../src/domain/checkins/types.ts";
import { GoalRepository, type GoalRow } from "../../src/domain/goals/repository.ts";
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

export type { StateChange };

export type Composed =
  | {
      send: true;
      message: Message;
      messageKind: string;
      goalId: number | null;
      state: StateChange;
      /** The person's id on their platform, so the messenger needn't look it up. */
      platformUserId: string;
    }
  | { send: false; reason: string; state: StateChange };

const DAY_MS = 86_400_000;

/** Whether `a` is known and later than `b` (or `b` never happened). */
function after(a: Date | null, b: Date | null): boolean {
  return a !== null && (b === null || a > b);
}

/** What composing needs of a person's own row. */
type PersonUser = Pick<User, "id" | "platform_user_id" | "time_zone">;

interface Person {
  user: PersonUser;
  platform: Platform;
  ignored_in_row: number | null;
  quiet_since: Date | null;
  last_checkin_at: Date | null;
  last_acted_at: Date | null;
  streak_celebrated: number | null;
  streak_celebrated_at: Date | null;
  last_progress_at: Date | null;
  goals: GoalRow[];
  sentNudges: { message_kind: string | null; goal_id: number | null; sent_at: Date | null }[];
  weeks: string[];
}

/**
 * What the people behind a batch of deliveries need for their messages, in a fixed number of
 * queries whatever the batch size (three, five with nudges).
 */
async function loadPeople(
  db: Kysely<Database>,
  deliveries: ClaimedDelivery[],
  now: Date,
): Promise<Map<number, Person>> {
  const cdb = checkinDb(db);
  const ids = [...new Set(deliveries.map((d) => d.user_id))];
  const nudged = [...new Set(deliveries.filter((d) => d.kind === "nudge").map((d) => d.user_id))];
  const [found, goals, sent, weeks] = await Promise.all([
    cdb
      .selectFrom("users as u")
      .innerJoin("workspaces as w", "w.id", "u.workspace_id")
      .leftJoin("checkin_schedules as s", "s.user_id", "u.id")
      .where("u.id", "=", anyOf(ids, "int"))
      .select([
        "u.id",
        "u.platform_user_id",
        "u.time_zone",
        "w.platform",
        "s.ignored_in_row",
        "s.quiet_since",
        "s.last_checkin_at",
        "s.last_acted_at",
        "s.streak_celebrated",
        "s.streak_celebrated_at",
        sql<Date | null>`(select max(occurred_at) from progress_events p where p.user_id = u.id)`.as(
          "last_progress_at",
        ),
      ])
      .execute(),
    new GoalRepository(db).listForUsers(ids, ["active"]),
    nudged.length === 0
      ? []
      : cdb
          .selectFrom("checkin_deliveries")
          .where("user_id", "=", anyOf(nudged, "int"))
          .where("kind", "=", "nudge")
          .where("status", "=", "sent")
          .where("sent_at", ">=", new Date(now.getTime() - 60 * DAY_MS))
          .select(["user_id", "message_kind", "goal_id", "sent_at"])
          .execute(),
    nudged.length === 0
      ? []
      : sql<{ user_id: number; week: string }>`
          select distinct p.user_id,
            to_char(date_trunc('week', p.occurred_at at time zone u.time_zone), 'YYYY-MM-DD') as week
          from progress_events p join users u on u.id = p.user_id
          where p.user_id = ${anyOf(nudged, "int")}
            and p.occurred_at >= ${new Date(now.getTime() - 400 * DAY_MS)}`
          .execute(db)
          .then((r) => r.rows),
  ]);
  const people = new Map<number, Person>();
  for (const row of found) {
    const {
      platform,
      ignored_in_row,
      quiet_since,
      last_checkin_at,
      last_acted_at,
      streak_celebrated,
      streak_celebrated_at,
      last_progress_at,
      ...user
    } = row;
    people.set(user.id, {
      user,
      platform,
      ignored_in_row,
      quiet_since,
      last_checkin_at,
      last_acted_at,
      streak_celebrated,
      streak_celebrated_at,
      last_progress_at,
      goals: [],
      sentNudges: [],
      weeks: [],
    });
  }
  for (const g of goals) people.get(g.user_id)?.goals.push(g);
  for (const s of sent) people.get(s.user_id)?.sentNudges.push(s);
  for (const w of weeks) people.get(w.user_id)?.weeks.push(w.week);
  return people;
}

/** Decides what each due delivery says, if anything, from the plan and the person's answers. */
export async function composeMany(
  db: Kysely<Database>,
  goals: GoalService,
  deliveries: ClaimedDelivery[],
  now: Date,
  nudgesPerWeek: number,
): Promise<Composed[]> {
  if (deliveries.length === 0) return [];
  const people = await loadPeople(db, deliveries, now);
  return deliveries.map((d) => {
    const person = people.get(d.user_id);
    return person
      ? decide(person, goals, d, now, nudgesPerWeek)
      : { send: false, reason: "no such person", state: {} };
  });
}

function decide(
  found: Person,
  goals: GoalService,
  delivery: ClaimedDelivery,
  now: Date,
  nudgesPerWeek: number,
): Composed {
  const { user, last_progress_at } = found;
  const ctx: ViewContext = {
    now,
    timeZone: user.time_zone,
    commandPrefix: COMMAND_PREFIX[found.platform],
  };
  const views = found.goals.map((g) => goals.view(g, user));
  if (views.length === 0) return { send: false, reason: "no active goals", state: {} };

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
        platformUserId: user.platform_user_id,
        message: askPauseMessage(ignored, delivery.key),
        messageKind: "ask_pause",
        goalId: null,
        state: { ignored_in_row: ignored, quiet_since: now, last_checkin_at: now },
      };
    }
    const nudge = planLine(views);
    return {
      send: true,
      platformUserId: user.platform_user_id,
      message: checkinMessage(views, ctx, { key: delivery.key, ...(nudge ? { nudge } : {}) }),
      messageKind: "checkin",
      goalId: null,
      state: { ...unquiet, ignored_in_row: ignored, last_checkin_at: now },
    };
  }

  if (quiet) return { send: false, reason: "quiet until the person acts", state: {} };
  const recent = found.sentNudges;
  const weekStart = isoWeekStart(now, user.time_zone);
  const thisWeek = recent.filter((r) => r.sent_at && r.sent_at >= weekStart).length;
  if (thisWeek >= nudgesPerWeek) return { send: false, reason: "weekly nudge cap", state: unquiet };
  const nudge = chooseNudge({
    goals: views,
    weeksWithProgress: found.weeks,
    streakCelebrated: found.streak_celebrated ?? 0,
    streakCelebratedAt: found.streak_celebrated_at,
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
    platformUserId: user.platform_user_id,
    message: nudgeMessage(nudge, ctx, delivery.key),
    messageKind: nudge.kind,
    goalId: nudge.kind === "streak" ? null : nudge.goal.goal.id,
    state: {
      ...unquiet,
      ...(nudge.kind === "streak"
        ? { streak_celebrated: nudge.weeks, streak_celebrated_at: now }
        : {}),
    },
  };
}
