import { createHash, randomUUID } from "node:crypto";
import { type Kysely, sql } from "kysely";
import type { Database, Db } from "../../db/types.ts";
import type { Clock } from "../../time/clock.ts";
import type { XapiClient } from "./credentials.ts";
import { applyPlacement, intent, type Placement, UNPLACED, voidStatement } from "./effects.ts";
import {
  activityMappings,
  actorKey,
  credentialFor,
  findPeople,
  openGoals,
  personFor,
} from "./match.ts";
import { type Statement, VERBS, validateStatement, withListedContextActivities } from "./schema.ts";

/** Statements Stackup could not place are kept this long for an admin to map, then dropped. */
export const UNMATCHED_DAYS = 30;
/** The most statements one request may carry. */
export const MAX_BATCH = 500;

export type StoreResult =
  | { ok: true; ids: string[] }
  | { ok: false; status: 400 | 409; reason: string };

export interface StoreOptions {
  /** PUT's statementId: the one statement must carry it or no id. */
  statementId?: string;
  /** The X-Experience-API-Version the request was made with. */
  version: string;
  /** The authority's account home page: this endpoint. */
  homePage: string;
}

export interface UnmatchedGroup {
  outcome: "unknown_actor" | "unknown_activity" | "no_goal";
  actor: string;
  activity: string | null;
  count: number;
  latest: Date;
}

class Refused extends Error {
  constructor(
    readonly status: 400 | 409,
    readonly reason: string,
  ) {
    super(reason);
  }
}

// Sorted keys, so the same statement written in another key order is the same statement.
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** What identifies a statement's content: all but what an LRS may add or set (xAPI's comparison). */
function fingerprint(statement: Statement): string {
  const { id: _id, stored: _s, authority: _a, version: _v, timestamp: _t, ...content } = statement;
  return createHash("sha256").update(canonical(content)).digest("hex");
}

const describeIndex = (i: number, total: number) => (total > 1 ? `statement ${i + 1}: ` : "");

/** The statements resource of one workspace: storing, voiding, reading and the unmatched. */
export class StatementService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** Validates and stores a statement or a batch, all or nothing. */
  async store(client: XapiClient, input: unknown, options: StoreOptions): Promise<StoreResult> {
    const checked = this.check(input, options);
    if (!checked.ok) return checked;
    try {
      await this.db
        .transaction()
        .execute((trx) => this.write(trx, client, checked.statements, options));
      return { ok: true, ids: checked.statements.map((s) => s.id!) };
    } catch (error) {
      if (error instanceof Refused)
        return { ok: false, status: error.status, reason: error.reason };
      throw error;
    }
  }

  private check(
    input: unknown,
    options: StoreOptions,
  ): { ok: true; statements: Statement[] } | { ok: false; status: 400; reason: string } {
    const bad = (reason: string) => ({ ok: false, status: 400, reason }) as const;
    if (options.statementId !== undefined && Array.isArray(input))
      return bad("PUT takes one statement, not a list");
    const list = Array.isArray(input) ? input : [input];
    if (list.length > MAX_BATCH) return bad(`at most ${MAX_BATCH} statements at once`);
    const statements: Statement[] = [];
    const ids = new Set<string>();
    for (const [i, item] of list.entries()) {
      const result = validateStatement(item);
      if (!result.ok) return bad(`${describeIndex(i, list.length)}${result.reason}`);
      const statement = { ...result.statement };
      if (options.statementId !== undefined) {
        if (statement.id && statement.id.toLowerCase() !== options.statementId.toLowerCase())
          return bad("the statement's id differs from statementId");
        statement.id = options.statementId;
      }
      statement.id = (statement.id ?? randomUUID()).toLowerCase();
      if (ids.has(statement.id))
        return bad(`${describeIndex(i, list.length)}the id ${statement.id} appears twice`);
      ids.add(statement.id);
      statements.push(statement);
    }
    return { ok: true, statements };
  }

  private async write(
    trx: Db,
    client: XapiClient,
    statements: Statement[],
    options: StoreOptions,
  ): Promise<void> {
    const now = this.clock.now();
    const ws = client.workspaceId;
    await this.purge(trx, ws, now);
    const fingerprints = new Map(statements.map((s) => [s.id!, fingerprint(s)]));
    const existing = await trx
      .selectFrom("xapi_statements")
      .where("workspace_id", "=", ws)
      .where("id", "in", [...fingerprints.keys()])
      .select(["id", "fingerprint"])
      .execute();
    const known = new Set<string>();
    for (const row of existing) {
      if (row.fingerprint !== fingerprints.get(row.id))
        throw new Refused(409, `a different statement with id ${row.id} is already stored`);
      known.add(row.id);
    }
    const fresh = statements.filter((s) => !known.has(s.id!));
    await this.checkVoiding(trx, ws, fresh);
    const placements = await this.place(trx, ws, fresh);
    const version = options.version.startsWith("2.") ? "2.0.0" : "1.0.0";
    for (const [i, statement] of fresh.entries()) {
      const placement = placements[i]!;
      const stored: Statement = {
        ...(withListedContextActivities(
          statement as unknown as Record<string, unknown>,
        ) as unknown as Statement),
        timestamp: statement.timestamp ?? now.toISOString(),
        stored: now.toISOString(),
        version: statement.version ?? version,
        authority: {
          objectType: "Agent",
          name: client.name,
          account: { homePage: options.homePage, name: client.key },
        },
      };
      const voids = statement.verb.id === VERBS.voided ? statement.object.id!.toLowerCase() : null;
      const inserted = await trx
        .insertInto("xapi_statements")
        .values({
          workspace_id: ws,
          id: statement.id!,
          credential_id: client.credentialId,
          statement: JSON.stringify(stored),
          fingerprint: fingerprints.get(statement.id!)!,
          verb: statement.verb.id,
          activity_id:
            statement.object.objectType === undefined || statement.object.objectType === "Activity"
              ? (statement.object.id ?? null)
              : null,
          voids,
          user_id: placement.userId,
          goal_id: placement.goalId,
          outcome: placement.outcome,
          stored_at: now,
          expires_at: UNPLACED.includes(placement.outcome)
            ? new Date(now.getTime() + UNMATCHED_DAYS * 86_400_000)
            : null,
        })
        .onConflict((oc) => oc.doNothing())
        .returning("id")
        .executeTakeFirst();
      if (!inserted) {
        // Another request stored the same id meanwhile.
        const other = await trx
          .selectFrom("xapi_statements")
          .where("workspace_id", "=", ws)
          .where("id", "=", statement.id!)
          .select("fingerprint")
          .executeTakeFirst();
        if (other && other.fingerprint !== fingerprints.get(statement.id!))
          throw new Refused(409, `a different statement with id ${statement.id} is already stored`);
        continue;
      }
      if (voids) await voidStatement(trx, ws, voids, now);
      const progressId = await applyPlacement(trx, statement, placement, client.name, now);
      if (progressId !== null) {
        await trx
          .updateTable("xapi_statements")
          .set({ progress_event_id: progressId })
          .where("workspace_id", "=", ws)
          .where("id", "=", statement.id!)
          .execute();
      }
    }
  }

  /** A voiding statement may not target another voiding statement. */
  private async checkVoiding(trx: Db, ws: number, statements: Statement[]): Promise<void> {
    const targets = statements
      .filter((s) => s.verb.id === VERBS.voided)
      .map((s) => s.object.id!.toLowerCase());
    if (targets.length === 0) return;
    const inBatch = new Set(statements.filter((s) => s.verb.id === VERBS.voided).map((s) => s.id!));
    const stored = await trx
      .selectFrom("xapi_statements")
      .where("workspace_id", "=", ws)
      .where("id", "in", targets)
      .where("verb", "=", VERBS.voided)
      .select("id")
      .execute();
    const voiding = targets.find((t) => inBatch.has(t) || stored.some((r) => r.id === t));
    if (voiding)
      throw new Refused(400, `statement ${voiding} is a voiding statement and cannot be voided`);
  }

  /** Where each statement lands, with one query per kind of lookup for the whole batch. */
  private async place(trx: Db, ws: number, statements: Statement[]): Promise<Placement[]> {
    const keys = statements.map((s) => actorKey(s.actor));
    const people = await findPeople(
      trx,
      ws,
      keys.filter((k) => k !== null),
    );
    const wanted = statements.map(intent);
    const mappings = wanted.some((w) => w !== null) ? await activityMappings(trx) : [];
    const credentials = statements.map((s) => {
      const isActivity = s.object.objectType === undefined || s.object.objectType === "Activity";
      return isActivity && s.object.id ? credentialFor(mappings, s.object.id) : undefined;
    });
    const userIds = statements.map((_, i) => personFor(people, keys[i]!) ?? null);
    const goals = await openGoals(
      trx,
      [...new Set(userIds.filter((u) => u !== null))],
      [...new Set(credentials.flatMap((c) => (c ? [c.credentialId] : [])))],
    );
    return statements.map((s, i): Placement => {
      const want = wanted[i];
      const userId = userIds[i] ?? null;
      const none = { userId, goalId: null, hours: null };
      if (s.verb.id === VERBS.voided) return { outcome: "voiding", ...none };
      if (!want) return { outcome: "ignored", ...none };
      if (userId === null) return { outcome: "unknown_actor", ...none };
      const credential = credentials[i];
      if (!credential) return { outcome: "unknown_activity", ...none };
      const goal = goals.get(`${userId}:${credential.credentialId}`);
      if (!goal) return { outcome: "no_goal", ...none };
      return want.kind === "progress"
        ? { outcome: "progress", userId, goalId: goal.id, hours: want.hours }
        : { outcome: "completed", userId, goalId: goal.id, hours: null };
    });
  }

  private async purge(db: Db, workspaceId: number, now: Date): Promise<void> {
    await db
      .deleteFrom("xapi_statements")
      .where("workspace_id", "=", workspaceId)
      .where("expires_at", "<=", now)
      .execute();
  }

  /** One of the workspace's statements by id: a voided one only when asked for as voided. */
  async get(workspaceId: number, id: string, voided: boolean): Promise<unknown | undefined> {
    const row = await this.db
      .selectFrom("xapi_statements")
      .where("workspace_id", "=", workspaceId)
      .where("id", "=", id.toLowerCase())
      .where("voided", "=", voided)
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", this.clock.now())]))
      .select(["statement", "verb"])
      .executeTakeFirst();
    if (!row || (voided && row.verb === VERBS.voided)) return undefined;
    return row.statement;
  }

  /** Statements kept because no person, mapped activity or open goal matched, grouped. */
  async unmatched(workspaceId: number, limit = 20): Promise<UnmatchedGroup[]> {
    const now = this.clock.now();
    await this.purge(this.db, workspaceId, now);
    const rows = await this.db
      .selectFrom("xapi_statements")
      .where("workspace_id", "=", workspaceId)
      .where("outcome", "in", [...UNPLACED])
      .where("voided", "=", false)
      .select((eb) => [
        "outcome",
        "activity_id as activity",
        eb.fn.countAll<number>().as("count"),
        eb.fn.max("stored_at").as("latest"),
        sql<string | null>`statement->>'actor'`.as("actorJson"),
      ])
      .groupBy(["outcome", "activity_id", sql`statement->>'actor'`])
      .orderBy("latest", "desc")
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      outcome: r.outcome as UnmatchedGroup["outcome"],
      actor: describeActor(r.actorJson),
      activity: r.activity,
      count: Number(r.count),
      latest: new Date(r.latest),
    }));
  }

  /**
   * Places kept statements again, after a mapping was imported or a person joined; `record`
   * writes the admin's audit entry in the same transaction.
   */
  async retryUnmatched(
    ws: number,
    record?: (trx: Db, result: { placed: number; left: number }) => Promise<void>,
  ): Promise<{ placed: number; left: number }> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      await this.purge(trx, ws, now);
      const rows = await trx
        .selectFrom("xapi_statements")
        .innerJoin("xapi_credentials", "xapi_credentials.id", "xapi_statements.credential_id")
        .where("xapi_statements.workspace_id", "=", ws)
        .where("outcome", "in", [...UNPLACED])
        .where("voided", "=", false)
        .select(["xapi_statements.id", "statement", "xapi_credentials.name"])
        .forUpdate()
        .execute();
      const statements = rows.map((r) => r.statement as Statement);
      const placements = await this.place(trx, ws, statements);
      let placed = 0;
      for (const [i, row] of rows.entries()) {
        const placement = placements[i]!;
        if (UNPLACED.includes(placement.outcome)) continue;
        const progressId = await applyPlacement(trx, statements[i]!, placement, row.name, now);
        await trx
          .updateTable("xapi_statements")
          .set({
            outcome: placement.outcome,
            user_id: placement.userId,
            goal_id: placement.goalId,
            progress_event_id: progressId,
            expires_at: null,
          })
          .where("workspace_id", "=", ws)
          .where("id", "=", row.id)
          .execute();
        placed += 1;
      }
      const result = { placed, left: rows.length - placed };
      await record?.(trx, result);
      return result;
    });
  }
}

/** How an admin recognises an actor: e-mail, account name or hash, never the whole JSON. */
function describeActor(json: string | null): string {
  try {
    const actor = JSON.parse(json ?? "null") as Statement["actor"] | null;
    if (!actor) return "someone";
    if (actor.objectType === "Group") return `the group ${actor.name ?? ""}`.trim();
    if (actor.mbox) return actor.mbox.slice("mailto:".length);
    if (actor.account) return `${actor.account.name} (${actor.account.homePage})`;
    if (actor.mbox_sha1sum) return `e-mail hash ${actor.mbox_sha1sum.slice(0, 10)}…`;
    if (actor.openid) return actor.openid;
    return actor.name ?? "someone";
  } catch {
    return "someone";
  }
}
