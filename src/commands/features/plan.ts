import { matchGoal } from "../../domain/goals/match.ts";
import type { GoalRow } from "../../domain/goals/repository.ts";
import { OPEN } from "../../domain/goals/service.ts";
import { saveStudyBlock, studyBlockFor } from "../../domain/plans/blocks.ts";
import { type StudyBlock, studyCalendar } from "../../domain/plans/calendar.ts";
import { pickGoalMessage, problemMessage } from "../../messages/goals.ts";
import { privateReply, type Reply } from "../../messages/model.ts";
import { BLOCK_LENGTHS, planForm, planMessage } from "../../messages/plan.ts";
import { addDays, isLocalTime, localDateOf } from "../../time/schedule.ts";
import type { Feature, FeatureDeps, Session } from "../feature.ts";
import { int } from "../feature.ts";

/** Without a target date or a plan to finish by, the calendar covers this many weeks. */
const FALLBACK_WEEKS = 12;

/** `plan [goal]`: an .ics file with a weekly study block until the goal's target date. */
export function planFeature(deps: FeatureDeps): Feature {
  const problem = (message: string, usage: string | null = "plan [goal]") =>
    privateReply(problemMessage(message, usage));

  async function openGoal(s: Session, goalId: number): Promise<GoalRow | undefined> {
    const goal = await deps.goals.find(s.user, goalId);
    return goal && OPEN.includes(goal.status) ? goal : undefined;
  }

  async function send(s: Session, goal: GoalRow, chosen?: StudyBlock): Promise<Reply> {
    const block = chosen ?? (await studyBlockFor(deps.db, s.user)).block;
    const view = deps.goals.view(goal, s.user);
    const now = deps.clock.now();
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
    return privateReply(planMessage({ ...plan, ...studyCalendar(plan) }));
  }

  return {
    name: "plan",
    commands: [
      {
        name: "plan",
        aliases: ["calendar"],
        usage: "plan [goal]",
        description: "A calendar file with a weekly study block until your target date",
        async run(s, args) {
          const open = (await deps.goals.list(s.user, OPEN)).map((v) => v.goal);
          if (open.length === 0) {
            return problem("You have no open goals to plan yet.", "goal <credential> by <date>");
          }
          const match = matchGoal(open, args);
          if (match.kind === "one") return send(s, match.goal);
          const question =
            match.kind === "several" && !args
              ? "Which goal do you want a study plan for?"
              : `Which goal do you mean by “${args.slice(0, 60)}”?`;
          return privateReply(pickGoalMessage(question, match.goals, "plan.goal", {}));
        },
      },
    ],
    actions: {
      "plan.goal": async (s, p) => {
        const goal = await openGoal(s, int(p.g) ?? 0);
        return goal ? send(s, goal) : problem("That goal is no longer open.");
      },
      "plan.change": async (s, p) => {
        const goal = await openGoal(s, int(p.g) ?? 0);
        if (!goal) return problem("That goal is no longer open.");
        const { block } = await studyBlockFor(deps.db, s.user);
        return { kind: "form", form: planForm(goal.id, goal.title, block) };
      },
    },
    forms: {
      "plan.block": async (s, state, values) => {
        const goal = await openGoal(s, Number(state));
        if (!goal) return { ok: true, reply: problem("That goal is no longer open.") };
        const errors: Record<string, string> = {};
        const weekday = Number(values.day);
        if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) errors.day = "Pick a day.";
        const time = (values.time ?? "").trim().replace(/^(\d):/, "0$1:");
        if (!isLocalTime(time)) errors.time = "Use a 24-hour time such as 12:00 or 07:30.";
        const minutes = Number(values.length);
        if (!BLOCK_LENGTHS.includes(minutes as (typeof BLOCK_LENGTHS)[number])) {
          errors.length = "Pick a length.";
        }
        if (Object.keys(errors).length > 0) return { ok: false, errors };
        const block = { weekday, time, minutes };
        await saveStudyBlock(deps.db, s.user, block, deps.clock.now());
        return { ok: true, reply: await send(s, goal, block) };
      },
    },
  };
}
