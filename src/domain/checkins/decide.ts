import { isoWeekStart } from "../../time/local.ts";
import type { GoalService, GoalView } from "../goals/service.ts";
import type { ClaimedDelivery, StateChange } from "./deliveries.ts";
import { chooseNudge, IGNORED_BEFORE_ASKING, type Nudge } from "./nudges.ts";
import type { LmsHours, Person } from "./people.ts";

/** Time an LMS already reported this week on a goal, so the check-in asks only for the rest. */
export interface LmsWeek extends LmsHours {
  title: string;
  /** The goal's weekly hours, when it has them. */
  weekly: number | null;
  /** The reported time meets the weekly hours: the goal is left out of the check-in. */
  covered: boolean;
}

/** What a delivery says, before any platform's wording: the message builder turns it into one. */
export type CheckinContent =
  | { kind: "checkin"; key: string; views: GoalView[]; lms: LmsWeek[] }
  | { kind: "ask_pause"; key: string; ignored: number }
  | { kind: "nudge"; key: string; nudge: Nudge };

/** Turns what a delivery says into a message for its recipient (the message builder). */
export type BuildCheckinMessage<M> = (content: CheckinContent, to: Recipient, now: Date) => M;

/** Whom a message is for, as far as its wording depends on it. */
export interface Recipient {
  userId: number;
  /** The person's id on their platform, so the messenger needn't look it up. */
  platformUserId: string;
  timeZone: string;
  /**
   * The languages to speak to them in, most preferred first: their choice, their platform's, their
   * workspace's. The message builder takes the first it has a catalogue for.
   */
  locales?: (string | null)[];
}

export type Decision =
  | {
      send: true;
      content: CheckinContent;
      to: Recipient;
      messageKind: string;
      goalId: number | null;
      state: StateChange;
    }
  | { send: false; reason: string; state: StateChange };

/** Whether `a` is known and later than `b` (or `b` never happened). */
function after(a: Date | null, b: Date | null): boolean {
  return a !== null && (b === null || a > b);
}

/** What deciding one delivery knows of its person. */
interface Facts {
  found: Person;
  to: Recipient;
  views: GoalView[];
  key: string;
  now: Date;
  /** Still quiet after asking to pause (the person has neither logged nor answered since). */
  quiet: boolean;
  /** Ends the quiet, when the person acted since it began. */
  unquiet: StateChange;
}

/**
 * What one due delivery says, if anything, from the plan and the person's answers: quiet after
 * asking to pause, asking after check-ins ignored in a row, the weekly nudge cap, no nudge right
 * after a check-in.
 */
export function decide(
  found: Person,
  goals: GoalService,
  delivery: ClaimedDelivery,
  now: Date,
  nudgesPerWeek: number,
): Decision {
  const { user, last_progress_at } = found;
  const to: Recipient = {
    userId: user.id,
    platformUserId: user.platform_user_id,
    timeZone: user.time_zone,
    locales: [user.locale, user.platform_locale, user.workspace_locale],
  };
  const views = found.goals.map((g) => goals.view(g, user));
  if (views.length === 0) return { send: false, reason: "no active goals", state: {} };

  // Quiet after asking to pause, until the person logs progress or answers.
  let quiet = found.quiet_since;
  if (quiet && (after(found.last_acted_at, quiet) || after(last_progress_at, quiet))) quiet = null;
  const unquiet: StateChange =
    quiet === found.quiet_since ? {} : { quiet_since: null, ignored_in_row: 0 };
  const facts = { found, to, views, key: delivery.key, now, quiet: quiet !== null, unquiet };
  return delivery.kind === "checkin" ? checkin(facts) : nudge(facts, nudgesPerWeek);
}

/** What LMSs reported this week on the goals checked in on. */
function lmsWeek(found: Person, views: GoalView[]): LmsWeek[] {
  return found.lmsWeek.flatMap((l) => {
    const goal = views.find((v) => v.goal.id === l.goalId)?.goal;
    if (!goal) return [];
    const weekly = goal.hours_per_week;
    return [{ ...l, title: goal.title, weekly, covered: weekly !== null && l.hours >= weekly }];
  });
}

function checkin({ found, to, views: all, key, now, quiet, unquiet }: Facts): Decision {
  if (quiet) return { send: false, reason: "quiet until the person acts", state: {} };
  // Hours an LMS already reported are not asked for again; goals it covered are left out.
  const lms = lmsWeek(found, all);
  const covered = new Set(lms.filter((l) => l.covered).map((l) => l.goalId));
  const views = all.filter((v) => !covered.has(v.goal.id));
  if (views.length === 0) {
    return { send: false, reason: "an LMS reported this week's hours", state: unquiet };
  }
  const last = found.last_checkin_at;
  const answered =
    last === null || after(found.last_acted_at, last) || after(found.last_progress_at, last);
  const ignored = answered ? 0 : (found.ignored_in_row ?? 0) + 1;
  if (ignored >= IGNORED_BEFORE_ASKING) {
    return {
      send: true,
      to,
      content: { kind: "ask_pause", key, ignored },
      messageKind: "ask_pause",
      goalId: null,
      state: { ignored_in_row: ignored, quiet_since: now, last_checkin_at: now },
    };
  }
  return {
    send: true,
    to,
    content: { kind: "checkin", key, views, lms },
    messageKind: "checkin",
    goalId: null,
    state: { ...unquiet, ignored_in_row: ignored, last_checkin_at: now },
  };
}

function nudge(
  { found, to, views, key, now, quiet, unquiet }: Facts,
  nudgesPerWeek: number,
): Decision {
  if (quiet) return { send: false, reason: "quiet until the person acts", state: {} };
  if (found.checkinRecent) {
    return { send: false, reason: "a check-in went out a short while ago", state: unquiet };
  }
  const recent = found.sentNudges;
  const weekStart = isoWeekStart(now, found.user.time_zone);
  const thisWeek = recent.filter((r) => r.sent_at && r.sent_at >= weekStart).length;
  if (thisWeek >= nudgesPerWeek) return { send: false, reason: "weekly nudge cap", state: unquiet };
  const chosen = chooseNudge({
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
    timeZone: found.user.time_zone,
  });
  if (!chosen) return { send: false, reason: "nothing worth a nudge", state: unquiet };
  return {
    send: true,
    to,
    content: { kind: "nudge", key, nudge: chosen },
    messageKind: chosen.kind,
    goalId: chosen.kind === "streak" ? null : chosen.goal.goal.id,
    state: {
      ...unquiet,
      ...(chosen.kind === "streak"
        ? { streak_celebrated: chosen.weeks, streak_celebrated_at: now }
        : {}),
    },
  };
}
