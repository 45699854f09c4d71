import { type Kysely, sql } from "kysely";
import type { Database, VerificationStatus } from "../../db/types.ts";
import type { CompletionDecision, GoalCredential } from "./completion.ts";
import { type KnownIssuer, TRUST_CODES } from "./trust.ts";
import type { VerificationResult } from "./types.ts";

export type DeliveryKind = "result" | "expiry_30" | "expiry_7" | "revoked" | "unverified";

/** A completion with what verification needs: its owner, evidence and stored findings. */
export interface CompletionRecord {
  completionId: number;
  goalId: number;
  goalTitle: string;
  provider: string | null;
  userId: number;
  email: string | null;
  timeZone: string;
  evidenceUrl: string | null;
  status: VerificationStatus;
  verdict: "valid" | "warning" | "invalid" | null;
  rawCredential: unknown;
  achievementName: string | null;
  issuerName: string | null;
  issuedOn: Date | null;
  expiresAt: Date | null;
  completedAt: Date;
  checkedAt: Date | null;
  revokedAt: Date | null;
  /** The catalog credential's title; null for a free-text goal. */
  credentialTitle: string | null;
  /** Domains the goal's provider issues from. */
  issuerDomains: string[] | null;
  trusted: boolean | null;
  /** The proven issuer domain of a trusted badge. */
  issuerDomain: string | null;
  matchesCredential: boolean | null;
  badgeConfirmedAt: Date | null;
  /** The LMS that reported the completion over xAPI; never a verified badge. */
  reportedBy?: string | null;
  /** The owner's languages, in order of preference: chosen, the platform's, the workspace's. */
  locales?: (string | null)[];
}

// jsonb rejects the NUL character even when escaped; it carries nothing a person needs
const jsonText = (value: unknown): string => JSON.stringify(value ?? null).replace(/\\u0000/g, "");

function validDate(iso: string | null): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** SQL: the completion's badge is conformant but its issuer has no domain a person can check. */
export const anonymousIssuer = (completions: string) =>
  sql<boolean>`coalesce(${sql.ref(`${completions}.trust_reasons`)} @> ${JSON.stringify([
    { code: TRUST_CODES.issuerAnonymous },
  ])}::jsonb, false)`;

/**
 * SQL: the title others see for a completion. A free-text goal with a trusted, verified badge is
 * shown under the badge's own name, never the goal's words; otherwise the catalog title or the goal.
 */
export const shownTitle = (completions: string, goals: string, credentials: string) => {
  const c = (column: string) => sql.ref(`${completions}.${column}`);
  return sql<string>`case when ${sql.ref(`${credentials}.id`)} is null and ${c("trusted")}
      and ${c("revoked_at")} is null and ${c("verification_status")} in ('verified', 'warning')
      and ${c("achievement_name")} is not null
    then ${c("achievement_name")}
    else coalesce(${sql.ref(`${credentials}.title`)}, ${sql.ref(`${goals}.title`)}) end`;
};

/** What the goal says its badge must certify. */
export function goalCredentialOf(record: CompletionRecord): GoalCredential {
  return {
    goalTitle: record.goalTitle,
    credentialTitle: record.credentialTitle,
    provider: record.provider,
    issuerDomains: record.issuerDomains ?? [],
    confirmed: record.badgeConfirmedAt !== null,
  };
}

/** Columns a verification result fills in. */
function resultColumns(
  result: VerificationResult,
  status: VerificationStatus,
  at: Date,
  decision: CompletionDecision | null,
) {
  const match = decision?.matchesCredential;
  return {
    trusted: result.trust.trusted,
    issuer_domain: result.trust.issuerDomain,
    trust_reasons: jsonText(result.trust.reasons),
    matches_credential: typeof match === "boolean" ? match : null,
    trust_recheck_due: false,
    verification_status: status,
    verdict: result.verdict,
    credential_kind: result.kind,
    reasons: jsonText(result.reasons),
    issuer_name: result.issuer?.name ?? null,
    issuer_id: result.issuer?.id ?? null,
    issuer_url: result.issuer?.url ?? null,
    achievement_name: result.name,
    issued_on: validDate(result.issuedOn),
    expires_at: validDate(result.expires),
    recipient_match: result.recipientMatch === "not_checkable" ? null : result.recipientMatch,
    raw_credential: jsonText(result.raw),
    checked_at: at,
  };
}

export class VerificationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private records() {
    return this.db
      .selectFrom("completions")
      .innerJoin("goals", "goals.id", "completions.goal_id")
      .innerJoin("users", "users.id", "goals.user_id")
      .innerJoin("workspaces", "workspaces.id", "users.workspace_id")
      .leftJoin("credentials", "credentials.id", "goals.credential_id")
      .leftJoin("providers", "providers.id", "credentials.provider_id")
      .select([
        "completions.id as completionId",
        "goals.id as goalId",
        "goals.title as goalTitle",
        "providers.name as provider",
        "users.id as userId",
        "users.email as email",
        "users.time_zone as timeZone",
        "completions.evidence_url as evidenceUrl",
        "completions.verification_status as status",
        "completions.verdict as verdict",
        "completions.raw_credential as rawCredential",
        "completions.achievement_name as achievementName",
        "completions.issuer_name as issuerName",
        "completions.issued_on as issuedOn",
        "completions.expires_at as expiresAt",
        "completions.completed_at as completedAt",
        "completions.checked_at as checkedAt",
        "completions.revoked_at as revokedAt",
        "credentials.title as credentialTitle",
        "providers.issuer_domains as issuerDomains",
        "completions.trusted as trusted",
        "completions.issuer_domain as issuerDomain",
        "completions.matches_credential as matchesCredential",
        "completions.badge_confirmed_at as badgeConfirmedAt",
        sql<string | null>`completions.reported_by`.as("reportedBy"),
        sql<(string | null)[]>`array[users.locale, users.platform_locale, workspaces.locale]`.as(
          "locales",
        ),
      ]);
  }

  async find(completionId: number): Promise<CompletionRecord | undefined> {
    return this.records().where("completions.id", "=", completionId).executeTakeFirst();
  }

  async findByGoal(goalId: number): Promise<CompletionRecord | undefined> {
    return this.records().where("completions.goal_id", "=", goalId).executeTakeFirst();
  }

  /** A person's completed credentials, oldest first. */
  async completedForUser(userId: number): Promise<CompletionRecord[]> {
    return this.records()
      .where("goals.user_id", "=", userId)
      .where("goals.status", "=", "completed")
      .orderBy("completions.completed_at")
      .orderBy("completions.id")
      .execute();
  }

  /** A pending status records when its check was queued (now, unless `queuedAt` says). */
  async setStatus(
    completionId: number,
    status: VerificationStatus,
    queuedAt?: Date,
  ): Promise<void> {
    await this.db
      .updateTable("completions")
      .set({
        verification_status: status,
        // a kept badge file belongs to the pending check only
        ...(status === "pending"
          ? { check_queued_at: queuedAt ?? sql<Date>`now()` }
          : { badge_file: null }),
      })
      .where("id", "=", completionId)
      .execute();
  }

  /** How many of the person's completions had a check queued since `since`. */
  async checksQueuedSince(userId: number, since: Date): Promise<number> {
    const row = await this.db
      .selectFrom("completions")
      .innerJoin("goals", "goals.id", "completions.goal_id")
      .where("goals.user_id", "=", userId)
      .where("completions.check_queued_at", ">=", since)
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Completions still pending although their check was queued before `before`, and not being
   * checked by any worker at `now`.
   */
  async lostChecks(before: Date, limit: number, now: Date = before): Promise<number[]> {
    const rows = await this.db
      .selectFrom("completions")
      .select("id")
      .where("verification_status", "=", "pending")
      .where((eb) => eb.or([eb("check_queued_at", "<", before), eb("check_queued_at", "is", null)]))
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("verification_claims")
              .select("completion_id")
              .whereRef("verification_claims.completion_id", "=", "completions.id")
              .where("verification_claims.expires_at", ">", now),
          ),
        ),
      )
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /**
   * Claims the completion's badge check for `owner` until `until`: "claimed", or, while another
   * worker holds an unexpired claim, "same" when it checks the same badge and "other" when not.
   */
  async claimCheck(
    completionId: number,
    evidence: string,
    owner: string,
    now: Date,
    until: Date,
  ): Promise<"claimed" | "same" | "other"> {
    const row = await this.db
      .insertInto("verification_claims")
      .values({ completion_id: completionId, evidence, owner, expires_at: until })
      .onConflict((oc) =>
        oc
          .column("completion_id")
          .doUpdateSet({
            evidence: (eb) => eb.ref("excluded.evidence"),
            owner: (eb) => eb.ref("excluded.owner"),
            expires_at: (eb) => eb.ref("excluded.expires_at"),
          })
          // a lapsed claim is a crashed worker's: taken over
          .where("verification_claims.expires_at", "<=", now),
      )
      .returning("owner")
      .executeTakeFirst();
    if (row?.owner === owner) return "claimed";
    const held = await this.db
      .selectFrom("verification_claims")
      .select("evidence")
      .where("completion_id", "=", completionId)
      .executeTakeFirst();
    // released between the two statements: try again
    if (!held) return this.claimCheck(completionId, evidence, owner, now, until);
    return held.evidence === evidence ? "same" : "other";
  }

  async releaseCheck(completionId: number, owner: string): Promise<void> {
    await this.db
      .deleteFrom("verification_claims")
      .where("completion_id", "=", completionId)
      .where("owner", "=", owner)
      .execute();
  }

  /** Keeps a shared badge file on its completion until its check stores a result. */
  async keepBadgeFile(completionId: number, file: Uint8Array): Promise<void> {
    await this.db
      .updateTable("completions")
      .set({ badge_file: Buffer.from(file) })
      .where("id", "=", completionId)
      .execute();
  }

  async badgeFile(completionId: number): Promise<Uint8Array | null> {
    const row = await this.db
      .selectFrom("completions")
      .select("badge_file")
      .where("id", "=", completionId)
      .executeTakeFirst();
    return row?.badge_file ? new Uint8Array(row.badge_file) : null;
  }

  /** A check that will never finish leaves the completion unverified, not pending forever. */
  async abandonPending(completionId: number): Promise<void> {
    await this.db
      .updateTable("completions")
      .set({ verification_status: "unverified", badge_file: null })
      .where("id", "=", completionId)
      .where("verification_status", "=", "pending")
      .execute();
  }

  async saveResult(
    completionId: number,
    result: VerificationResult,
    status: VerificationStatus,
    at: Date,
    decision: CompletionDecision | null = null,
  ): Promise<void> {
    await this.db
      .updateTable("completions")
      // a shared file is let go once its check is answered: the credential it held is stored
      .set({ ...resultColumns(result, status, at, decision), revoked_at: null, badge_file: null })
      .where("id", "=", completionId)
      .execute();
  }

  async markRevoked(completionId: number, result: VerificationResult, at: Date): Promise<void> {
    await this.db
      .updateTable("completions")
      .set({
        verification_status: "invalid",
        verdict: "invalid",
        reasons: jsonText(result.reasons),
        checked_at: at,
        revoked_at: at,
      })
      .where("id", "=", completionId)
      .where("revoked_at", "is", null)
      .execute();
  }

  async markChecked(completionId: number, at: Date): Promise<void> {
    await this.db
      .updateTable("completions")
      .set({ checked_at: at })
      .where("id", "=", completionId)
      .execute();
  }

  /** Credentials that count as verified and expire after `from` and no later than `until`. */
  async expiringBetween(from: Date, until: Date): Promise<CompletionRecord[]> {
    return this.records()
      .where("completions.verification_status", "in", ["verified", "warning"])
      .where("completions.revoked_at", "is", null)
      .where("completions.expires_at", ">", from)
      .where("completions.expires_at", "<=", until)
      .orderBy("completions.id")
      .execute();
  }

  /** Verified credentials that can be checked again: they have a link or a stored credential. */
  async verifiedForRecheck(): Promise<CompletionRecord[]> {
    return this.records()
      .where("completions.verification_status", "in", ["verified", "warning"])
      .where("completions.revoked_at", "is", null)
      .where((eb) =>
        eb.or([
          eb("completions.evidence_url", "is not", null),
          eb("completions.raw_credential", "is not", null),
        ]),
      )
      .orderBy("completions.id")
      .execute();
  }

  /** Completions shown as verified before the trust rules, still to be re-checked under them. */
  async dueForTrustRecheck(limit: number): Promise<CompletionRecord[]> {
    return this.records()
      .where("completions.trust_recheck_due", "=", true)
      .orderBy("completions.id")
      .limit(limit)
      .execute();
  }

  async clearTrustRecheck(completionId: number): Promise<void> {
    await this.db
      .updateTable("completions")
      .set({ trust_recheck_due: false })
      .where("id", "=", completionId)
      .execute();
  }

  /** The person says this badge is what their free-text goal was about. */
  async confirmBadge(completionId: number, at: Date): Promise<void> {
    await this.db
      .updateTable("completions")
      .set({ badge_confirmed_at: at })
      .where("id", "=", completionId)
      .execute();
  }

  /** The catalog credential of this title (any case), as a goal for it would name it. */
  async catalogCredential(title: string): Promise<GoalCredential | null> {
    const row = await this.db
      .selectFrom("credentials")
      .innerJoin("providers", "providers.id", "credentials.provider_id")
      .select(["credentials.title", "providers.name as provider", "providers.issuer_domains"])
      .where(sql<boolean>`lower(credentials.title) = lower(${title.trim()})`)
      .orderBy("credentials.id")
      .executeTakeFirst();
    if (!row) return null;
    return {
      goalTitle: row.title,
      credentialTitle: row.title,
      provider: row.provider,
      issuerDomains: row.issuer_domains,
    };
  }

  /**
   * The badges the person's linked Credly profile listed since it was linked, when its badges name
   * the person (a profile they only said was theirs gives none).
   */
  async credlyBadgesOf(userId: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom("credly_badges as b")
      .innerJoin("credly_links as l", "l.user_id", "b.user_id")
      .select("b.badge_id")
      .where("b.user_id", "=", userId)
      .where("l.owner_proven", "=", true)
      .whereRef("b.seen_at", ">=", "l.connected_at")
      .execute();
    return rows.map((r) => r.badge_id.toLowerCase());
  }

  /** Catalog providers with the domains they issue from, for issuer-name checks. */
  async knownIssuers(): Promise<KnownIssuer[]> {
    const rows = await this.db
      .selectFrom("providers")
      .select(["name", "issuer_domains as domains"])
      .where(sql<boolean>`cardinality(issuer_domains) > 0`)
      .execute();
    return rows;
  }

  /**
   * Records that a message is about to be sent; false when it already was, so it is sent once.
   * Call `releaseDelivery` when sending fails, so a retry can send it.
   */
  async claimDelivery(
    completionId: number,
    kind: DeliveryKind,
    key: string,
    at: Date,
  ): Promise<boolean> {
    const row = await this.db
      .insertInto("verification_deliveries")
      .values({ completion_id: completionId, kind, key, sent_at: at })
      .onConflict((oc) => oc.columns(["completion_id", "kind", "key"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    return row !== undefined;
  }

  async releaseDelivery(completionId: number, kind: DeliveryKind, key: string): Promise<void> {
    await this.db
      .deleteFrom("verification_deliveries")
      .where("completion_id", "=", completionId)
      .where("kind", "=", kind)
      .where("key", "=", key)
      .execute();
  }

  async deliveries(completionId: number): Promise<{ kind: DeliveryKind; key: string }[]> {
    return this.db
      .selectFrom("verification_deliveries")
      .where("completion_id", "=", completionId)
      .select(["kind", "key"])
      .orderBy(sql`id`)
      .execute();
  }
}
