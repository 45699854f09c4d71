import { matchGoal } from "../../domain/goals/match.ts";
import type { GoalRow } from "../../domain/goals/repository.ts";
import { OPEN } from "../../domain/goals/service.ts";
import { saveStudyBlock, studyBlockFor } from "../../domain/plans/blocks.ts";
import { type StudyBlock, studyCalendar } from "../../domain/plans/calendar.ts";
import type { MessageKey } from "../../i18n/index.ts";
import { pickGoalMessage, tr } from "../../messages/goals.ts";
import { privateReply, type Reply } from "../../messages/model.ts";
import { BLOCK_LENGTHS, planForm, planMessage } from "../../messages/plan.ts";
import { addDays, isLocalTime, localDateOf } from "../../time/schedule.ts";
import type { FormResult } from "../core.ts";
import type { Feature, FeatureDeps, Session } from "../feature.ts";
import { int, problemIn } from "../feature.ts";

/** Without a target date or a plan to finish by, the calendar covers this many weeks. */
const FALLBACK_WEEKS = 12;

const problem = (s: Session, key: MessageKey, usage: string | null = "plan [goal]") =>
  problemIn(s, key, {}, usage);
const gone = (s: Session) => problem(s, "error.goalNoLongerOpen");

/** `plan [goal]`: an .ics file with a weekly study block until the goal's target date. */
export function planFeature(deps: FeatureDeps): Feature {
  const plans = new StudyPlans(deps);
  return {
    name: "plan",
    commands: [
      {
        name: "plan",
        aliases: ["calendar"],
        usage: "plan [goal]",
        description: "A calendar file with a weekly study block until your target date",
        run: (s, args) => plans.plan(s, args),
      },
    ],
    actions: {
      "plan.goal": (s, p) => plans.chosen(s, int(p.g) ?? 0),
      "plan.change": (s, p) => plans.change(s, int(p.g) ?? 0),
    },
    forms: { "plan.block": (s, state, values) => plans.saveBlock(s, Number(state), values) },
  };
}

class StudyPlans {
  constructor(private readonly deps: FeatureDeps) {}

  async plan(s: Session, args: string): Promise<Reply> {
    const open = (await this.deps.goals.list(s.user, OPEN)).map((v) => v.goal);
    if (open.length === 0) {
      return problem(s, "plan.noOpenGoals", "goal <credential> by <date>");
    }
    const match = matchGoal(open, args);
    if (match.kind === "one") return this.send(s, match.goal);
    const question = tr(s.ctx).t("plan.whichGoal", {
      kind: match.kind === "several" && !args ? "which" : "query",
      query: args.slice(0, 60),
    });
    return privateReply(pickGoalMessage(question, match.goals, "plan.goal", {}));
  }

  async chosen(s: Session, goalId: number): Promise<Reply> {
    const goal = await this.openGoal(s, goalId);
    return goal ? this.send(s, goal) : gone(s);
  }

  /** The form to pick another day, time or length. */
  async change(s: Session, goalId: number): Promise<Reply> {
    const goal = await this.openGoal(s, goalId);
    if (!goal) return gone(s);
    const { block } = await studyBlockFor(this.deps.db, s.user);
    return { kind: "form", form: planForm(goal.id, goal.title, block, s.ctx.locale) };
  }

  async saveBlock(
    s: Session,
    goalId: number,
    values: Record<string, string | undefined>,
  ): Promise<FormResult> {
    const goal = await this.openGoal(s, goalId);
    if (!goal) return { ok: true, reply: gone(s) };
    const t = tr(s.ctx);
    const errors: Record<string, string> = {};
    const weekday = Number(values.day);
    if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) errors.day = t.t("plan.pickDay");
    const time = (values.time ?? "").trim().replace(/^(\d):/, "0$1:");
    if (!isLocalTime(time)) errors.time = t.t("plan.timeFormat");
    const minutes = Number(values.length);
    if (!BLOCK_LENGTHS.includes(minutes as (typeof BLOCK_LENGTHS)[number])) {
      errors.length = t.t("plan.pickLength");
    }
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    const block = { weekday, time, minutes };
    await saveStudyBlock(this.deps.db, s.user, block, this.deps.clock.now());
    return { ok: true, reply: await this.send(s, goal, block) };
  }

  private async openGoal(s: Session, goalId: number): Promise<GoalRow | undefined> {
    const goal = await this.deps.goals.find(s.user, goalId);
    return goal && OPEN.includes(goal.status) ? goal : undefined;
  }

  private async send(s: Session, goal: GoalRow, chosen?: StudyBlock): Promise<Reply> {
    const block = chosen ?? (await studyBlockFor(this.deps.db, s.user)).block;
    const view = this.deps.goals.view(goal, s.user);
    const now = this.deps.clock.now();
    const until =
      goal.target_date ??
      view.pace.plannedFinish ??
      addDays(localDateOf(now, s.user.time_zone), FALLBACK_WEEKS * 7);
    const plan = {
      goalId: goal.id,
      title: goal.title,
      url: goal.credentialUrl,
      block,
      timeZone: s.user.time_zone,
      until,
      now,
    };
    return privateReply(planMessage({ ...plan, ...studyCalendar(plan) }, s.ctx.locale));
  }
}
