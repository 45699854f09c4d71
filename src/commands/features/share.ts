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

const UNNAMED_WHERE =
  "You chose not to appear by name to your team (leaderboard optout), so pick a colleague. To post in the channel or digest, turn it off with leaderboard optout off.";
const UNNAMED_NO_COLLEAGUE =
  "You chose not to appear by name to your team (leaderboard optout off turns that off), and there's no colleague here to send it to.";

/**
 * "Share what I learned" after a completion. Nothing leaves the person's own view until they
 * submit the form: the button only opens it, and closing it shares nothing.
 */
export function shareFeature(deps: FeatureDeps): Feature {
  const problem = (message: string) =>
    privateReply(problemMessage(message, "share [completed goal]"));

  async function completedGoal(s: Session, goalId: number) {
    const goal = await deps.goals.find(s.user, goalId);
    return goal?.status === "completed" ? goal : undefined;
  }

  /** Hidden or anonymous people share only with a colleague: channels and digests name them. */
  const showsName = async (s: Session) =>
    (await new OrgRepository(deps.db).choiceOf(s.user.id)) === "shown";

  async function open(s: Session, goalId: number): Promise<Reply> {
    const goal = await completedGoal(s, goalId);
    if (!goal) return problem("You can share once a goal is complete.");
    const [team, colleagues, named] = await Promise.all([
      teamChannelOf(deps.db, s.user),
      colleaguesOf(deps.db, s.user),
      showsName(s),
    ]);
    if (!named && colleagues.length === 0) return problem(UNNAMED_NO_COLLEAGUE);
    return { kind: "form", form: shareForm(goal.id, goal.title, { team, colleagues, named }) };
  }

  return {
    name: "share",
    commands: [
      {
        name: "share",
        usage: "share [completed goal]",
        description: "Share what you learned with your team or a colleague",
        async run(s, args) {
          const done = (await deps.goals.list(s.user, ["completed"])).map((v) => v.goal);
          if (done.length === 0) return problem("You can share once a goal is complete.");
          const match = matchGoal(done, args);
          if (match.kind === "one") return open(s, match.goal.id);
          return privateReply(
            pickGoalMessage(
              "Which completed goal do you want to share?",
              match.goals,
              "share.start",
              {},
            ),
          );
        },
      },
    ],
    actions: {
      "share.start": async (s, p) => open(s, int(p.g) ?? 0),
    },
    forms: {
      "share.submit": async (s, state, values): Promise<FormResult> => {
        const goal = await completedGoal(s, Number(state));
        if (!goal) return { ok: true, reply: problem("That goal can't be shared any more.") };
        const text = (values.text ?? "").replace(/\s+/g, " ").trim();
        if (!text) return { ok: false, errors: { text: "Write a sentence or two." } };
        if (text.length > MAX_SHARE_LENGTH) {
          return { ok: false, errors: { text: `Keep it under ${MAX_SHARE_LENGTH} characters.` } };
        }
        const where = values.where ?? "digest";
        if (!where.startsWith("u:") && !(await showsName(s)))
          return { ok: false, errors: { where: UNNAMED_WHERE } };
        let audience: ShareAudience = "digest";
        let teamChannelId: string | null = null;
        let colleagueId: number | null = null;
        let label = "the weekly digest";
        if (where === "team") {
          const team = await teamChannelOf(deps.db, s.user);
          if (!team)
            return { ok: false, errors: { where: "Your team has no channel; pick another." } };
          audience = "team";
          teamChannelId = team.channelId;
          label = `#${team.name}`;
        } else if (where.startsWith("u:")) {
          const id = Number(where.slice(2));
          const colleague = (await colleaguesOf(deps.db, s.user)).find((c) => c.id === id);
          if (!colleague) return { ok: false, errors: { where: "Pick someone from the list." } };
          audience = "colleague";
          colleagueId = colleague.id;
          label = colleague.name;
        } else if (where !== "digest") {
          return { ok: false, errors: { where: "Pick where to share." } };
        }
        const now = deps.clock.now();
        const limit = await takeLimit(deps.db, s.user.id, "share", now);
        if (!limit.ok) return { ok: false, errors: { where: rateLimitedText("share", limit) } };
        const share = await saveShare(
          deps.db,
          s.user,
          { goalId: goal.id, text, audience, teamChannelId, colleagueId },
          now,
        );
        let delayed = false;
        if (audience !== "digest" && !share.already) {
          try {
            await deps.jobs.enqueue(
              SHARE_DELIVER_JOB,
              { shareId: share.id },
              { id: `share-${share.id}-${now.getTime()}` },
            );
          } catch {
            // Saved as pending: it still reaches the digest, and delivery can be retried.
            delayed = true;
          }
        }
        return {
          ok: true,
          reply: privateReply(sharedMessage(goal.title, label, delayed, share.already)),
        };
      },
    },
  };
}
