import type { Kysely } from "kysely";
import { anyOf } from "../../db/arrays.ts";
import type { Database, ShareAudience, ShareDeliveryState, User } from "../../db/types.ts";
import { countDelivery } from "../../metrics.ts";
import type { BatchJobQueue, Delivery, Destination, NoData } from "../../ports.ts";
import { OrgRepository } from "../org/repository.ts";
import { localesOf } from "../users/locales.ts";

export const MAX_SHARE_LENGTH = 500;
/** The job that posts a share to its channel or colleague (see deliverShare). */
export const SHARE_DELIVER_JOB = "share.deliver";
export const SHARE_SWEEP_JOB = "share.sweep";

/** The sharing jobs and their data. */
export interface ShareJobs {
  [SHARE_DELIVER_JOB]: { shareId: number };
  [SHARE_SWEEP_JOB]: NoData;
}

/** The channel of the person's team, when the organisation has given their team one. */
export async function teamChannelOf(
  db: Kysely<Database>,
  user: User,
): Promise<{ channelId: string; name: string } | null> {
  const team = (await new OrgRepository(db).teamsOf(user.id)).find((t) => t.channel_id);
  return team?.channel_id
    ? { channelId: team.channel_id, name: team.channel_name ?? team.name }
    : null;
}

/** People in the same workspace one might share with, by name. */
export async function colleaguesOf(
  db: Kysely<Database>,
  user: User,
  limit = 100,
): Promise<{ id: number; name: string }[]> {
  return db
    .selectFrom("users")
    .where("workspace_id", "=", user.workspace_id)
    .where("id", "!=", user.id)
    .select(["id", "display_name as name"])
    .orderBy("display_name")
    .limit(limit)
    .execute();
}

export interface NewShare {
  goalId: number;
  text: string;
  audience: ShareAudience;
  teamChannelId: string | null;
  colleagueId: number | null;
}

/**
 * Stores what the person wrote, for the digest and (unless digest-only) for delivery. Sharing
 * the same completion again replaces the text; it is sent again only to a different place
 * (`already` says it went, or is going, to this one, and only the digest text changed).
 */
export async function saveShare(
  db: Kysely<Database>,
  user: User,
  share: NewShare,
  now: Date,
): Promise<{ id: number; already: boolean }> {
  const existing = await db
    .selectFrom("shares")
    .select(["id", "audience", "team_channel_id", "colleague_id", "delivery"])
    .where("goal_id", "=", share.goalId)
    .executeTakeFirst();
  if (
    existing &&
    share.audience !== "digest" &&
    existing.audience === share.audience &&
    existing.team_channel_id === share.teamChannelId &&
    existing.colleague_id === share.colleagueId &&
    existing.delivery !== "none" &&
    existing.delivery !== "failed"
  ) {
    await db
      .updateTable("shares")
      .set({ text: share.text })
      .where("id", "=", existing.id)
      .execute();
    return { id: existing.id, already: true };
  }
  const values = {
    text: share.text,
    audience: share.audience,
    team_channel_id: share.teamChannelId,
    colleague_id: share.colleagueId,
    delivery: (share.audience === "digest" ? "none" : "pending") as ShareDeliveryState,
    delivery_ref: null,
    delivered_at: null,
    created_at: now,
  };
  return db
    .insertInto("shares")
    .values({ user_id: user.id, workspace_id: user.workspace_id, goal_id: share.goalId, ...values })
    .onConflict((oc) => oc.column("goal_id").doUpdateSet(values))
    .returning("id")
    .executeTakeFirstOrThrow()
    .then((row) => ({ id: row.id, already: false }));
}

export interface SharedLearning {
  shareId: number;
  userId: number;
  workspaceId: number;
  displayName: string;
  goalId: number;
  goalTitle: string;
  text: string;
  sharedAt: Date;
  /** Whose language a delivery speaks, in order: the colleague's choices, the workspace's. */
  locales?: (string | null)[];
}

function sharedLearning(db: Kysely<Database>) {
  return db
    .selectFrom("shares")
    .innerJoin("users", "users.id", "shares.user_id")
    .innerJoin("goals", "goals.id", "shares.goal_id")
    .select([
      "shares.id as shareId",
      "users.id as userId",
      "shares.workspace_id as workspaceId",
      "users.display_name as displayName",
      "goals.id as goalId",
      "goals.title as goalTitle",
      "shares.text",
      "shares.created_at as sharedAt",
    ]);
}

/**
 * What people chose to share in [from, to), for the weekly digest; optionally one workspace or
 * only the given people (a team's members). Every row exists because its author submitted it.
 */
export async function sharesBetween(
  db: Kysely<Database>,
  range: { from: Date; to: Date; workspaceId?: number; userIds?: number[] },
): Promise<SharedLearning[]> {
  if (range.userIds && range.userIds.length === 0) return [];
  let query = sharedLearning(db)
    .where("shares.created_at", ">=", range.from)
    .where("shares.created_at", "<", range.to)
    .orderBy("shares.created_at");
  if (range.workspaceId !== undefined) {
    query = query.where("shares.workspace_id", "=", range.workspaceId);
  }
  // One array parameter, however many people (an IN list is capped at 65,535 parameters).
  if (range.userIds) query = query.where("shares.user_id", "=", anyOf(range.userIds, "int"));
  return query.execute();
}

/**
 * Posts one share where its author asked, at most once: the row is claimed (pending → sending)
 * before sending, so a retried or duplicated job finds nothing to do. For the job runner.
 */
export async function deliverShare<M>(
  deps: {
    db: Kysely<Database>;
    messenger: { send(to: Destination, message: M): Promise<Delivery> };
    now: () => Date;
  },
  shareId: number,
  render: (share: SharedLearning) => M,
): Promise<"sent" | "nothing to do"> {
  const db = deps.db;
  const claimed = await db
    .updateTable("shares")
    .set({ delivery: "sending" })
    .where("id", "=", shareId)
    .where("delivery", "in", ["pending", "failed"])
    .returning(["audience", "team_channel_id", "colleague_id", "workspace_id", "user_id"])
    .executeTakeFirst();
  if (!claimed) return "nothing to do";
  // Someone who chose since to be hidden or anonymous is not posted under their name.
  const named =
    claimed.audience !== "team" ||
    (await new OrgRepository(deps.db).choiceOf(claimed.user_id)) === "shown";
  const to: Destination | null =
    claimed.audience === "team" && claimed.team_channel_id && named
      ? { kind: "channel", workspaceId: claimed.workspace_id, channelId: claimed.team_channel_id }
      : claimed.audience === "colleague" && claimed.colleague_id
        ? { kind: "user", userId: claimed.colleague_id }
        : null;
  const share = await sharedLearning(deps.db).where("shares.id", "=", shareId).executeTakeFirst();
  if (!to || !share) {
    await db.updateTable("shares").set({ delivery: "none" }).where("id", "=", shareId).execute();
    return "nothing to do";
  }
  const locales = await recipientLocales(db, claimed.workspace_id, to);
  try {
    const delivery = await countDelivery("share", () =>
      deps.messenger.send(to, render({ ...share, locales })),
    );
    await db
      .updateTable("shares")
      .set({ delivery: "sent", delivery_ref: delivery.ref, delivered_at: deps.now() })
      .where("id", "=", shareId)
      .execute();
    return "sent";
  } catch (error) {
    await db.updateTable("shares").set({ delivery: "failed" }).where("id", "=", shareId).execute();
    throw error;
  }
}

/** A colleague's own and platform languages, then the workspace's; a channel has only the last. */
async function recipientLocales(
  db: Kysely<Database>,
  workspaceId: number,
  to: Destination,
): Promise<(string | null)[]> {
  if (to.kind === "user") return localesOf(db, to.userId);
  const workspace = await db
    .selectFrom("workspaces")
    .select("locale")
    .where("id", "=", workspaceId)
    .executeTakeFirst();
  return [workspace?.locale ?? null];
}

/** A share this fresh still has its own job on the way. */
const SWEEP_GRACE_MS = 60_000;
const SWEEP_BATCH = 500;

/**
 * Queues a delivery job for every share still waiting to go out (the queue was down when it was
 * saved, or its retries ran out). Duplicates are harmless: deliverShare claims a share before
 * posting, so it goes out once.
 */
export async function queuePendingShares(
  db: Kysely<Database>,
  now: Date,
  jobs: BatchJobQueue<ShareJobs>,
): Promise<number> {
  const rows = await db
    .selectFrom("shares")
    .where("delivery", "in", ["pending", "failed"])
    .where("created_at", "<=", new Date(now.getTime() - SWEEP_GRACE_MS))
    .orderBy("id")
    .limit(SWEEP_BATCH)
    .select("id")
    .execute();
  if (rows.length === 0) return 0;
  await jobs.enqueueMany(
    rows.map((r) => ({
      job: SHARE_DELIVER_JOB,
      data: { shareId: r.id },
      id: `share-${r.id}-sweep-${now.getTime()}`,
    })),
  );
  return rows.length;
}
