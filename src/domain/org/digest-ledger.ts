import type { Kysely } from "kysely";
import type { Database } from "../../db/types.ts";

/** One row of the digest ledger: a team's weekly digest or a manager's monthly summary. */
export interface LedgerEntry {
  key: string;
  kind: "digest" | "summary";
  workspaceId: number;
  teamId: number | null;
  userId: number | null;
  periodStart: string;
}

/** Whom a monthly summary goes to. */
export interface SummaryRecipient {
  id: number;
  workspaceId: number;
  timeZone: string;
  /** The languages to write in, most preferred first: their choice, their platform's, the workspace's. */
  locales: (string | null)[];
}

/** The ledger of digests and summaries: each goes out once per idempotency key. */
export class DigestLedger {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Sends once per key. The row is claimed with FOR UPDATE SKIP LOCKED and stays locked while
   * sending, so a second worker skips it; it is marked sent in the same transaction, so a failed
   * send rolls back and the job's retry tries again. `send` returns null when there is nothing to
   * say, which closes the row as failed.
   */
  async once(
    entry: LedgerEntry,
    now: () => Date,
    send: () => Promise<{ ref: string } | null>,
  ): Promise<"sent" | "skipped"> {
    await this.db
      .insertInto("org_deliveries")
      .values({
        idempotency_key: entry.key,
        kind: entry.kind,
        workspace_id: entry.workspaceId,
        team_id: entry.teamId,
        user_id: entry.userId,
        period_start: entry.periodStart,
        created_at: now(),
        ref: null,
        sent_at: null,
      })
      .onConflict((oc) => oc.column("idempotency_key").doNothing())
      .execute();
    return this.db.transaction().execute(async (trx) => {
      const claimed = await trx
        .selectFrom("org_deliveries")
        .where("idempotency_key", "=", entry.key)
        .where("status", "=", "pending")
        .select("idempotency_key")
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!claimed) return "skipped";
      const sent = await send();
      await trx
        .updateTable("org_deliveries")
        .set(sent ? { status: "sent", ref: sent.ref, sent_at: now() } : { status: "failed" })
        .where("idempotency_key", "=", entry.key)
        .execute();
      return sent ? "sent" : "skipped";
    });
  }

  async summaryRecipient(userId: number): Promise<SummaryRecipient | undefined> {
    const row = await this.db
      .selectFrom("users as u")
      .innerJoin("workspaces as w", "w.id", "u.workspace_id")
      .where("u.id", "=", userId)
      .select([
        "u.id",
        "u.workspace_id as workspaceId",
        "u.time_zone as timeZone",
        "u.locale",
        "u.platform_locale",
        "w.locale as workspaceLocale",
      ])
      .executeTakeFirst();
    if (!row) return undefined;
    const { locale, platform_locale, workspaceLocale, ...rest } = row;
    return { ...rest, locales: [locale, platform_locale, workspaceLocale] };
  }
}
