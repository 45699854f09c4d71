import type { ShareAudience } from "../../db/types.ts";
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
import { pickGoalMessage, problemMessage } from "../../messages/goals.ts";
import { privateReply, type Reply } from "../../messages/model.ts";
import { rateLimitedText } from "../../messages/privacy.ts";
import { sharedMessage, shareForm } from "../../messages/share.ts";
import type { FormResult } from "../core.ts";
import type { Feature, FeatureDeps, Session } from "../feature.ts";
import { int } from "../feature.ts";

const USAGE = "share [completed goal]";
const UNNAMED_WHERE =
  "You chose not to appear by name to your team (leaderboard optout), so pick a colleague. To post in the channel or digest, turn it off with leaderboard optout off.";
const UNNAMED_NO_COLLEAGUE =
  "You chose not to appear by name to your team (leaderboard optout off turns that off), and there's no colleague here to send it to.";
const problem = (message: string) => privateReply(problemMessage(message, USAGE));
const invalid = (field: string, message: string): FormResult => ({
  ok: false,
  errors: { [field]: message },
});

/** Where a share goes, as the form's "where" field chose it. */
interface Target {
  audience: ShareAudience;
  teamChannelId: string | null;
  colleagueId: number | null;
  label: string;
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
    if (done.length === 0) return problem("You can share once a goal is complete.");
    const match = matchGoal(done, args);
    if (match.kind === "one") return this.open(s, match.goal.id);
    return privateReply(
      pickGoalMessage("Which completed goal do you want to share?", match.goals, "share.start", {}),
    );
  }

  async open(s: Session, goalId: number): Promise<Reply> {
    const goal = await this.completedGoal(s, goalId);
    if (!goal) return problem("You can share once a goal is complete.");
    const [team, colleagues, named] = await Promise.all([
      teamChannelOf(this.deps.db, s.user),
      colleaguesOf(this.deps.db, s.user),
      this.showsName(s),
    ]);
    if (!named && colleagues.length === 0) return problem(UNNAMED_NO_COLLEAGUE);
    return { kind: "form", form: shareForm(goal.id, goal.title, { team, colleagues, named }) };
  }

  async submit(
    s: Session,
    goalId: number,
    values: Record<string, string | undefined>,
  ): Promise<FormResult> {
    const goal = await this.completedGoal(s, goalId);
    if (!goal) return { ok: true, reply: problem("That goal can't be shared any more.") };
    const text = (values.text ?? "").replace(/\s+/g, " ").trim();
    if (!text) return invalid("text", "Write a sentence or two.");
    if (text.length > MAX_SHARE_LENGTH) {
      return invalid("text", `Keep it under ${MAX_SHARE_LENGTH} characters.`);
    }
    const where = values.where ?? "digest";
    if (!where.startsWith("u:") && !(await this.showsName(s))) {
      return invalid("where", UNNAMED_WHERE);
    }
    const target = await this.target(s, where);
    if ("ok" in target) return target;
    const { audience, teamChannelId, colleagueId, label } = target;
    const now = this.deps.clock.now();
    const limit = await takeLimit(this.deps.db, s.user.id, "share", now);
    if (!limit.ok) return invalid("where", rateLimitedText("share", limit));
    const share = await saveShare(
      this.deps.db,
      s.user,
      { goalId: goal.id, text, audience, teamChannelId, colleagueId },
      now,
    );
    const delayed = audience !== "digest" && !share.already && !(await this.queue(share.id, now));
    return {
      ok: true,
      reply: privateReply(sharedMessage(goal.title, label, delayed, share.already)),
    };
  }

  private async target(s: Session, where: string): Promise<Target | FormResult> {
    if (where === "digest") {
      return {
        audience: "digest",
        teamChannelId: null,
        colleagueId: null,
        label: "the weekly digest",
      };
    }
    if (where === "team") {
      const team = await teamChannelOf(this.deps.db, s.user);
      if (!team) return invalid("where", "Your team has no channel; pick another.");
      const label = `#${team.name}`;
      return { audience: "team", teamChannelId: team.channelId, colleagueId: null, label };
    }
    if (where.startsWith("u:")) {
      const id = Number(where.slice(2));
      const colleague = (await colleaguesOf(this.deps.db, s.user)).find((c) => c.id === id);
      if (!colleague) return invalid("where", "Pick someone from the list.");
      const label = colleague.name;
      return { audience: "colleague", teamChannelId: null, colleagueId: colleague.id, label };
    }
    return invalid("where", "Pick where to share.");
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
