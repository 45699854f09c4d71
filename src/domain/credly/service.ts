import Fuse from "fuse.js";
import type { Kysely } from "kysely";
import type { BadgeState, Database, User } from "../../db/types.ts";
import type { JobQueue, NoData } from "../../ports.ts";
import type { Clock } from "../../time/clock.ts";
import { CatalogRepository } from "../catalog/repository.ts";
import type { GoalRow } from "../goals/repository.ts";
import { GoalService, OPEN } from "../goals/service.ts";
import { fetchJson } from "../verification/fetch-json.ts";
import { requestVerification } from "../verification/service.ts";
import type { Fetcher } from "../verification/types.ts";
import {
  badgePageUrl,
  badgesUrl,
  CREDLY,
  type CredlyBadge,
  type CredlyHosts,
  MAX_PAGES,
  readBadgesPage,
  sameName,
} from "./profile.ts";

/** Job name: read one person's profile (after connecting, on /learn sync, and daily). */
export const CREDLY_SYNC_JOB = "credly.sync";
/** Job name: queue a read of every linked profile. */
export const CREDLY_DAILY_JOB = "credly.daily";

/** The Credly jobs and their data; `asked` is false for the daily read, which stays quiet. */
export interface CredlyJobs {
  [CREDLY_SYNC_JOB]: { userId: number; asked: boolean };
  [CREDLY_DAILY_JOB]: NoData;
}

// Fuse scores, 0 perfect: below this a badge probably is the goal, so the person is asked.
const LIKELY = 0.35;

/** A badge and the goal it completed or may complete. */
export interface BadgeOutcome {
  badge: CredlyBadge;
  goal: { id: number; title: string } | null;
}

export type SyncResult =
  | { kind: "not_linked" }
  | { kind: "unreachable"; username: string; message: string }
  | { kind: "not_found"; username: string }
  /** The profile's name is not the person's (or it shows none): they are asked first. */
  | { kind: "ask_owner"; username: string; names: string[] }
  | {
      kind: "synced";
      username: string;
      /** True on the first sync after connecting. */
      first: boolean;
      seen: number;
      completed: BadgeOutcome[];
      confirm: BadgeOutcome[];
      offered: BadgeOutcome[];
    };

export interface CredlyDeps {
  db: Kysely<Database>;
  clock: Clock;
  jobs: JobQueue;
  hosts?: CredlyHosts;
}

/** Public Credly profiles: linking, reading badges and completing goals with them, once each. */
export class CredlyService {
  private readonly db: Kysely<Database>;
  private readonly goals: GoalService;
  readonly hosts: CredlyHosts;

  constructor(private readonly deps: CredlyDeps) {
    this.db = deps.db;
    this.goals = new GoalService(deps.db, deps.clock);
    this.hosts = deps.hosts ?? CREDLY;
  }

  link(userId: number) {
    return this.db
      .selectFrom("credly_links")
      .where("user_id", "=", userId)
      .selectAll()
      .executeTakeFirst();
  }

  /** Links a profile (replacing any other) and queues its first read, which checks the name. */
  async connect(user: User, username: string): Promise<"queued" | "not_queued"> {
    const now = this.deps.clock.now();
    await this.db
      .insertInto("credly_links")
      .values({ user_id: user.id, username, connected_at: now, synced_at: null })
      .onConflict((oc) =>
        oc
          .column("user_id")
          .doUpdateSet({ username, connected_at: now, synced_at: null, owner_proven: false }),
      )
      .execute();
    return this.queueSync(user.id, `connect-${now.getTime()}`);
  }

  /** Queues a read of the person's profile; false when the queue refused it. */
  async queueSync(userId: number, reason: string): Promise<"queued" | "not_queued"> {
    try {
      await this.deps.jobs.enqueue(
        CREDLY_SYNC_JOB,
        { userId },
        { id: `credly-${userId}-${reason}` },
      );
      return "queued";
    } catch {
      return "not_queued";
    }
  }

  /** The person says the profile is theirs. */
  async confirmOwner(userId: number): Promise<string | null> {
    const row = await this.db
      .updateTable("credly_links")
      .set({ synced_at: this.deps.clock.now() })
      .where("user_id", "=", userId)
      .returning("username")
      .executeTakeFirst();
    return row?.username ?? null;
  }

  /** Removes the link; badges already seen stay recorded so none is offered again later. */
  async disconnect(userId: number): Promise<string | null> {
    const row = await this.db
      .deleteFrom("credly_links")
      .where("user_id", "=", userId)
      .returning("username")
      .executeTakeFirst();
    return row?.username ?? null;
  }

  /** Every linked, confirmed person, for the daily read. */
  async linkedUsers(): Promise<number[]> {
    const rows = await this.db
      .selectFrom("credly_links")
      .where("synced_at", "is not", null)
      .select("user_id")
      .orderBy("user_id")
      .execute();
    return rows.map((r) => r.user_id);
  }

  /** Reads the profile and acts on badges not seen before. */
  async sync(userId: number, fetch: Fetcher): Promise<SyncResult> {
    const link = await this.link(userId);
    if (!link) return { kind: "not_linked" };
    const { username } = link;
    const badges: CredlyBadge[] = [];
    for (let page = 1, pages = 1; page <= Math.min(pages, MAX_PAGES); page += 1) {
      const got = await fetchJson(fetch, badgesUrl(username, page, this.hosts));
      if (!got.ok) {
        if (got.status === 404) return { kind: "not_found", username };
        return { kind: "unreachable", username, message: got.message };
      }
      const read = readBadgesPage(got.json);
      badges.push(...read.badges);
      pages = read.pages;
    }
    const user = await this.db
      .selectFrom("users")
      .where("id", "=", userId)
      .selectAll()
      .executeTakeFirstOrThrow();
    const first = link.synced_at === null;
    const names = [...new Set(badges.flatMap((b) => (b.issuedTo ? [b.issuedTo] : [])))];
    const named = names.some((n) => sameName(n, user.display_name));
    if (first) {
      if (!named) return { kind: "ask_owner", username, names };
      await this.confirmOwner(userId);
    }
    // before the badges are placed: their checks read it
    await this.db
      .updateTable("credly_links")
      .set({ owner_proven: named })
      .where("user_id", "=", userId)
      .execute();
    const result = await this.place(user, badges);
    await this.db
      .updateTable("credly_links")
      .set({ synced_at: this.deps.clock.now() })
      .where("user_id", "=", userId)
      .execute();
    return { kind: "synced", username, first, seen: badges.length, ...result };
  }

  /** Records each new badge once, and completes, asks about or offers it. */
  private async place(user: User, badges: CredlyBadge[]) {
    const completed: BadgeOutcome[] = [];
    const confirm: BadgeOutcome[] = [];
    const offered: BadgeOutcome[] = [];
    if (badges.length === 0) return { completed, confirm, offered };
    const seen = await this.db
      .selectFrom("credly_badges")
      .where("user_id", "=", user.id)
      .where(
        "badge_id",
        "in",
        badges.map((b) => b.id),
      )
      .select("badge_id")
      .execute();
    const known = new Set(seen.map((s) => s.badge_id));
    const goals = await this.goals.repo.listForUser(user.id, OPEN);
    const templates = await this.templatesOf(goals);
    const taken = new Set<number>();
    for (const badge of badges) {
      if (known.has(badge.id)) continue;
      known.add(badge.id);
      const open = goals.filter((g) => !taken.has(g.id));
      const match = matchBadge(badge, open, templates);
      const state: BadgeState =
        match.kind === "sure" ? "completed" : match.kind === "likely" ? "confirm" : "offered";
      const claimed = await this.record(user.id, badge, state, match.goal?.id ?? null);
      // Another read got there first: that one acts on the badge.
      if (!claimed) continue;
      const outcome = {
        badge,
        goal: match.goal ? { id: match.goal.id, title: match.goal.title } : null,
      };
      if (match.kind === "sure" && match.goal) {
        taken.add(match.goal.id);
        await this.completeWith(user, match.goal.id, badgePageUrl(badge.id, this.hosts));
        completed.push(outcome);
      } else if (match.kind === "likely") confirm.push(outcome);
      else offered.push(outcome);
    }
    return { completed, confirm, offered };
  }

  private async templatesOf(goals: GoalRow[]): Promise<Map<number, string[]>> {
    const ids = goals.flatMap((g) => (g.credential_id ? [g.credential_id] : []));
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom("credentials")
      .where("id", "in", ids)
      .select(["id", "credly_templates"])
      .execute();
    return new Map(rows.map((r) => [r.id, (r.credly_templates ?? []).map((t) => t.toLowerCase())]));
  }

  private async record(
    userId: number,
    badge: CredlyBadge,
    state: BadgeState,
    goalId: number | null,
  ) {
    const row = await this.db
      .insertInto("credly_badges")
      .values({
        user_id: userId,
        badge_id: badge.id,
        name: badge.name,
        template_id: badge.templateId,
        evidence_url: badgePageUrl(badge.id, this.hosts),
        state,
        goal_id: goalId,
        seen_at: this.deps.clock.now(),
      })
      .onConflict((oc) => oc.doNothing())
      .returning("badge_id")
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Completes the goal with the badge page as evidence and queues its check. */
  private async completeWith(user: User, goalId: number, evidenceUrl: string) {
    const done = await this.goals.complete(user, goalId, evidenceUrl);
    if ("error" in done) return false;
    await requestVerification(this.deps.db, this.deps.jobs, goalId, this.deps.clock.now());
    return true;
  }

  /** A button's answer about one badge: complete the suggested goal, add it, or let it be. */
  async answer(
    user: User,
    badgeId: string,
    choice: "confirm" | "reject" | "add" | "dismiss",
  ): Promise<
    | { kind: "done"; title: string }
    | { kind: "offered"; badge: string }
    | { kind: "dismissed" }
    | { kind: "gone" }
  > {
    const row = await this.db
      .selectFrom("credly_badges")
      .where("user_id", "=", user.id)
      .where("badge_id", "=", badgeId)
      .selectAll()
      .executeTakeFirst();
    const expected = choice === "confirm" || choice === "reject" ? "confirm" : "offered";
    if (!row || row.state !== expected) return { kind: "gone" };
    const claim = (to: BadgeState, goalId: number | null) =>
      this.db
        .updateTable("credly_badges")
        .set({ state: to, goal_id: goalId })
        .where("user_id", "=", user.id)
        .where("badge_id", "=", badgeId)
        .where("state", "=", expected)
        .returning("badge_id")
        .executeTakeFirst();
    if (choice === "dismiss")
      return (await claim("dismissed", null)) ? { kind: "dismissed" } : { kind: "gone" };
    if (choice === "reject")
      return (await claim("offered", null))
        ? { kind: "offered", badge: row.name }
        : { kind: "gone" };
    if (choice === "confirm") {
      if (!row.goal_id || !(await claim("completed", row.goal_id))) return { kind: "gone" };
      if (!(await this.completeWith(user, row.goal_id, row.evidence_url))) return { kind: "gone" };
      const goal = await this.goals.find(user, row.goal_id);
      return { kind: "done", title: goal?.title ?? row.name };
    }
    // Added to the record: a goal for the badge (its catalog credential when one matches), completed.
    const credential = await this.catalogFor(row.name, row.template_id);
    const created = await this.goals.create(user, {
      credential: credential ?? null,
      title: row.name,
      targetDate: null,
      hoursPerWeek: null,
    });
    const goalId =
      "error" in created
        ? created.error === "duplicate"
          ? created.existing.id
          : null
        : created.view.goal.id;
    if (goalId === null || !(await claim("added", goalId))) return { kind: "gone" };
    await this.completeWith(user, goalId, row.evidence_url);
    return { kind: "done", title: row.name };
  }

  private async catalogFor(name: string, templateId: string | null) {
    const entries = await new CatalogRepository(this.deps.db).all();
    const byTemplate = await this.db
      .selectFrom("credentials")
      .where("credly_templates", "is not", null)
      .select(["id", "credly_templates"])
      .execute();
    const keys = [name.toLowerCase(), ...(templateId ? [templateId.toLowerCase()] : [])];
    const mapped = byTemplate.find((c) =>
      (c.credly_templates ?? []).some((t) => keys.includes(t.toLowerCase())),
    );
    if (mapped) return entries.find((e) => e.id === mapped.id);
    return entries.find((e) => e.title.toLowerCase() === name.toLowerCase());
  }
}

type BadgeMatch = { kind: "sure" | "likely"; goal: GoalRow } | { kind: "none"; goal: null };

const normal = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

/**
 * Which open goal a badge is for: a goal whose credential lists the badge's template (id or name)
 * or whose title is the badge's name is sure; a close fuzzy match is likely and asked about.
 */
export function matchBadge(
  badge: CredlyBadge,
  goals: GoalRow[],
  templates: Map<number, string[]>,
): BadgeMatch {
  const keys = [
    badge.name.toLowerCase(),
    ...(badge.templateId ? [badge.templateId.toLowerCase()] : []),
  ];
  const mapped = goals.find(
    (g) => g.credential_id && (templates.get(g.credential_id) ?? []).some((t) => keys.includes(t)),
  );
  if (mapped) return { kind: "sure", goal: mapped };
  const titled = goals.find((g) => normal(g.title) === normal(badge.name));
  if (titled) return { kind: "sure", goal: titled };
  // Both ways round: a badge's name often holds the goal's ("… Specialization") or the reverse.
  const options = {
    includeScore: true,
    ignoreLocation: true,
    threshold: 0.6,
    useTokenSearch: true,
  };
  const scores = new Map<GoalRow, number>();
  for (const r of new Fuse(goals, { ...options, keys: ["title"] }).search(badge.name))
    scores.set(r.item, r.score ?? 1);
  const named = new Fuse([{ name: badge.name }], { ...options, keys: ["name"] });
  for (const goal of goals) {
    const score = named.search(goal.title)[0]?.score ?? 1;
    if (score < (scores.get(goal) ?? 1)) scores.set(goal, score);
  }
  const [best] = [...scores].sort((a, b) => a[1] - b[1]);
  if (best && best[1] <= LIKELY) return { kind: "likely", goal: best[0] };
  return { kind: "none", goal: null };
}
