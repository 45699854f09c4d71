import { matchGoal } from "../../domain/goals/match.ts";
import { OrgRepository } from "../../domain/org/repository.ts";
import { takeLimit } from "../../domain/privacy/limits.ts";
import {
  colleaguesOf,
  MAX_SHARE_LENGTH,
  SHARE_DELIVER_JOB,
  saveShare,
  teamChannelOf,
} from "../../domain/sharing/shares.ts";
import type { MessageKey, MessageValues } from "../../i18n/index.ts";
import { pickGoalMessage, tr } from "../../messages/goals.ts";
import { privateReply, type Reply } from "../../messages/model.ts";
import { rateLimitedText } from "../../messages/privacy.ts";
import { type ShareTarget, sharedMessage, shareForm } from "../../messages/share.ts";
import type { FormResult } from "../core.ts";
import type { Feature, FeatureDeps, Session } from "../feature.ts";
import { int, problemIn } from "../feature.ts";

const USAGE = "share [completed goal]";
const OPTOUT = {
  optout: { command: "leaderboard optout" },
  on: { command: "leaderboard optout off" },
};
const problem = (s: Session, key: MessageKey, values: MessageValues = {}) =>
  problemIn(s, key, values, USAGE);
const invalid = (field: string, message: string): FormResult => ({
  ok: false,
  errors: { [field]: message },
});
/** A form field's error in the person's language. */
const invalidIn = (s: Session, field: string, key: MessageKey, values: MessageValues = {}) =>
  invalid(field, tr(s.ctx).t(key, values));

/** Where a share goes, as the form's "where" field chose it. */
interface Target extends ShareTarget {
  teamChannelId: string | null;
  colleagueId: number | null;
}

/**
 * "Share what I learned" after a completion. Nothing leaves the person's own view until they
 * submit the form: the button only opens it, and closing it shares nothing.
 */
export function shareFeature(deps: FeatureDeps): Feature {
  const sharing = new Sharing(deps);
  return {
    name: "share",
    commands: [
      {
        name: "share",
        usage: USAGE,
        description: "Share what you learned with your team or a colleague",
        run: (s, args) => sharing.share(s, args),
      },
    ],
    actions: { "share.start": (s, p) => sharing.open(s, int(p.g) ?? 0) },
    forms: { "share.submit": (s, state, values) => sharing.submit(s, Number(state), values) },
  };
}

class Sharing {
  constructor(private readonly deps: FeatureDeps) {}

  /** `share [completed goal]`: the form for the goal named, or a choice of completed goals. */
  async share(s: Session, args: string): Promise<Reply> {
    const done = (await this.deps.goals.list(s.user, ["completed"])).map((v) => v.goal);
    if (done.length === 0) return problem(s, "share.noneComplete");
    const match = matchGoal(done, args);
    if (match.kind === "one") return this.open(s, match.goal.id);
    const question = tr(s.ctx).t("share.whichGoal");
    return privateReply(pickGoalMessage(question, match.goals, "share.start", {}));
  }

  async open(s: Session, goalId: number): Promise<Reply> {
    const goal = await this.completedGoal(s, goalId);
    if (!goal) return problem(s, "share.noneComplete");
    const [team, colleagues, named] = await Promise.all([
      teamChannelOf(this.deps.db, s.user),
      colleaguesOf(this.deps.db, s.user),
      this.showsName(s),
    ]);
    if (!named && colleagues.length === 0) return problem(s, "share.unnamedNoColleague", OPTOUT);
    const choices = { team, colleagues, named };
    return { kind: "form", form: shareForm(goal.id, goal.title, choices, s.ctx.locale) };
  }

  async submit(
    s: Session,
    goalId: number,
    values: Record<string, string | undefined>,
  ): Promise<FormResult> {
    const goal = await this.completedGoal(s, goalId);
    if (!goal) return { ok: true, reply: problem(s, "share.goalGone") };
    const text = (values.text ?? "").replace(/\s+/g, " ").trim();
    if (!text) return invalidIn(s, "text", "share.textMissing");
    if (text.length > MAX_SHARE_LENGTH) {
      return invalidIn(s, "text", "share.textTooLong", { max: MAX_SHARE_LENGTH });
    }
    const where = values.where ?? "digest";
    if (!where.startsWith("u:") && !(await this.showsName(s))) {
      return invalidIn(s, "where", "share.unnamedWhere", OPTOUT);
    }
    const target = await this.target(s, where);
    if ("ok" in target) return target;
    const { audience, teamChannelId, colleagueId } = target;
    const now = this.deps.clock.now();
    const limit = await takeLimit(this.deps.db, s.user.id, "share", now);
    if (!limit.ok) return invalid("where", rateLimitedText("share", limit, s.ctx.locale));
    const share = await saveShare(
      this.deps.db,
      s.user,
      { goalId: goal.id, text, audience, teamChannelId, colleagueId },
      now,
    );
    const delayed = audience !== "digest" && !share.already && !(await this.queue(share.id, now));
    return {
      ok: true,
      reply: privateReply(sharedMessage(goal.title, target, delayed, share.already, s.ctx.locale)),
    };
  }

  private async target(s: Session, where: string): Promise<Target | FormResult> {
    if (where === "digest") {
      return { audience: "digest", teamChannelId: null, colleagueId: null, name: "" };
    }
    if (where === "team") {
      const team = await teamChannelOf(this.deps.db, s.user);
      if (!team) return invalidIn(s, "where", "share.noTeamChannel");
      const name = team.name;
      return { audience: "team", teamChannelId: team.channelId, colleagueId: null, name };
    }
    if (where.startsWith("u:")) {
      const id = Number(where.slice(2));
      const colleague = (await colleaguesOf(this.deps.db, s.user)).find((c) => c.id === id);
      if (!colleague) return invalidIn(s, "where", "share.pickColleague");
      const name = colleague.name;
      return { audience: "colleague", teamChannelId: null, colleagueId: colleague.id, name };
    }
    return invalidIn(s, "where", "share.pickWhere");
  }

  /** Queues the delivery; false when the queue is out of reach. */
  private async queue(shareId: number, now: Date): Promise<boolean> {
    try {
      await this.deps.jobs.enqueue(
        SHARE_DELIVER_JOB,
        { shareId },
        { id: `share-${shareId}-${now.getTime()}` },
      );
      return true;
    } catch {
      // Saved as pending: it still reaches the digest, and delivery can be retried.
      return false;
    }
  }

  /** Hidden or anonymous people share only with a colleague: channels and digests name them. */
  private async showsName(s: Session): Promise<boolean> {
    return (await new OrgRepository(this.deps.db).choiceOf(s.user.id)) === "shown";
  }

  private async completedGoal(s: Session, goalId: number) {
    const goal = await this.deps.goals.find(s.user, goalId);
    return goal?.status === "completed" ? goal : undefined;
  }
}
