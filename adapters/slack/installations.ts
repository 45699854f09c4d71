import type { Installation, InstallationQuery, InstallationStore } from "@slack/bolt";
import { type ColumnType, type Generated, type Kysely, sql } from "kysely";
import type { Database } from "../../src/db/types.ts";
import type { Destination } from "../../src/ports.ts";
import { notInstalled, type SlackTokenLookup } from "./messenger.ts";
import { type SealedToken, type TokenCipher, TokenKeyError } from "./token-cipher.ts";

export { TokenKeyError };

/** A type alias, not an interface: withTables needs an index-compatible record. */
type SlackInstallationsTable = {
  id: Generated<number>;
  installation_key: string;
  team_id: string | null;
  enterprise_id: string | null;
  is_enterprise_install: boolean;
  workspace_id: number | null;
  app_id: string | null;
  bot_token_encrypted: Buffer;
  token_key_id: string;
  bot_user_id: string;
  bot_id: string;
  scopes: string[];
  installer_user_id: string;
  installed_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
};

type InstallDb = Kysely<Database & { slack_installations: SlackInstallationsTable }>;

/** Tokens rarely change, and an uninstall in another process is noticed within this long. */
const TOKEN_TTL_MS = 60_000;
/** "Not installed" is remembered briefly: a workspace installing again is picked up at once. */
const MISSING_TTL_MS = 5_000;
const MAX_CACHED = 50_000;

/** The team id, or the enterprise id for an org-wide install: one row each. */
function keyOf(query: {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  isEnterpriseInstall?: boolean | undefined;
}): string | undefined {
  return query.isEnterpriseInstall ? query.enterpriseId : query.teamId;
}

/**
 * Where Add to Slack keeps each workspace's installation: PostgreSQL, with the bot token
 * encrypted. Bolt stores and fetches through the InstallationStore methods; proactive sends ask
 * `botToken` for a team's token, kept in memory briefly.
 */
export class SlackInstallations implements InstallationStore {
  private readonly db: InstallDb;
  private readonly cache = new Map<string, { token: string | undefined; until: number }>();

  constructor(
    db: Kysely<Database>,
    private readonly cipher: TokenCipher,
    private readonly now: () => number = Date.now,
  ) {
    this.db = db.withTables<{ slack_installations: SlackInstallationsTable }>();
  }

  async storeInstallation(installation: Installation): Promise<void> {
    const enterprise = installation.isEnterpriseInstall === true;
    const teamId = installation.team?.id;
    const enterpriseId = installation.enterprise?.id;
    const key = keyOf({ teamId, enterpriseId, isEnterpriseInstall: enterprise });
    const bot = installation.bot;
    if (!key) throw new Error("A Slack installation without a team or enterprise id.");
    if (!bot?.token) throw new Error("A Slack installation without a bot token.");
    const sealed = this.cipher.seal(bot.token, key);
    await this.db.transaction().execute(async (trx) => {
      // A workspace installed with Add to Slack is known before anyone in it uses Stackup.
      const workspace =
        !enterprise && teamId
          ? await trx
              .insertInto("workspaces")
              .values({
                platform: "slack",
                external_id: teamId,
                name: installation.team?.name ?? null,
              })
              .onConflict((oc) =>
                oc.columns(["platform", "external_id"]).doUpdateSet((eb) => ({
                  name: eb.fn.coalesce(eb.ref("excluded.name"), eb.ref("workspaces.name")),
                })),
              )
              .returning("id")
              .executeTakeFirstOrThrow()
          : undefined;
      const row = {
        team_id: teamId ?? null,
        enterprise_id: enterpriseId ?? null,
        is_enterprise_install: enterprise,
        workspace_id: workspace?.id ?? null,
        app_id: installation.appId ?? null,
        bot_token_encrypted: sealed.sealed,
        token_key_id: sealed.keyId,
        bot_user_id: bot.userId,
        bot_id: bot.id,
        scopes: bot.scopes,
        installer_user_id: installation.user.id,
      };
      await trx
        .insertInto("slack_installations")
        .values({ installation_key: key, ...row })
        .onConflict((oc) =>
          oc.column("installation_key").doUpdateSet({ ...row, updated_at: sql`now()` }),
        )
        .execute();
    });
    this.cache.delete(key);
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation> {
    const keys = [keyOf(query), query.enterpriseId].filter((k): k is string => Boolean(k));
    // A team inside an organisation may be covered by the organisation's install.
    for (const key of new Set(keys)) {
      const row = await this.db
        .selectFrom("slack_installations")
        .where("installation_key", "=", key)
        .selectAll()
        .executeTakeFirst();
      if (!row) continue;
      const token = this.open(row);
      return {
        team: row.team_id ? { id: row.team_id } : undefined,
        enterprise: row.enterprise_id ? { id: row.enterprise_id } : undefined,
        user: { id: row.installer_user_id, token: undefined, scopes: undefined },
        bot: { token, id: row.bot_id, userId: row.bot_user_id, scopes: row.scopes },
        ...(row.app_id ? { appId: row.app_id } : {}),
        tokenType: "bot",
        isEnterpriseInstall: row.is_enterprise_install,
        authVersion: "v2",
      } as Installation;
    }
    throw new Error(`Stackup is not installed in Slack workspace ${keys.join(" / ") || "?"}`);
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    const key = keyOf(query);
    if (!key) return;
    await this.db.deleteFrom("slack_installations").where("installation_key", "=", key).execute();
    this.cache.delete(key);
  }

  /**
   * Forgets an installation stored no later than `at` (when Slack says it was uninstalled): an
   * uninstall event delivered late or again must not remove a reinstall made since.
   */
  async deleteInstallationBefore(query: InstallationQuery<boolean>, at: Date): Promise<boolean> {
    const key = keyOf(query);
    if (!key) return false;
    const gone = await this.db
      .deleteFrom("slack_installations")
      .where("installation_key", "=", key)
      .where("updated_at", "<=", at)
      .executeTakeFirst();
    this.cache.delete(key);
    return Number(gone.numDeletedRows) > 0;
  }

  /** The bot token for a team (its own install, else its organisation's), or undefined. */
  async botToken(teamId: string): Promise<string | undefined> {
    const at = this.now();
    const cached = this.cache.get(teamId);
    if (cached && cached.until > at) return cached.token;
    const row = await this.db
      .selectFrom("slack_installations")
      .where("installation_key", "=", teamId)
      .select(["installation_key", "bot_token_encrypted", "token_key_id"])
      .executeTakeFirst();
    const token = row ? this.open(row) : undefined;
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(teamId, { token, until: at + (token ? TOKEN_TTL_MS : MISSING_TTL_MS) });
    return token;
  }

  /**
   * Fails when installations exist and none was encrypted with the configured key: the key was
   * changed or mistyped, and every request would fail.
   */
  async checkKey(): Promise<void> {
    const counts = await this.db
      .selectFrom("slack_installations")
      .select((eb) => [
        eb.fn.countAll<string>().as("all"),
        eb.fn
          .count<string>("id")
          .filterWhere("token_key_id", "=", this.cipher.keyId)
          .as("readable"),
      ])
      .executeTakeFirstOrThrow();
    if (Number(counts.all) > 0 && Number(counts.readable) === 0) {
      throw new TokenKeyError(
        `None of the ${counts.all} stored Slack installations can be read with the configured key (STACKUP_SECRET_KEY, or SLACK_STATE_SECRET when that is unset): it is not the key they were installed with. Restore that key, or install Stackup in each workspace again.`,
      );
    }
  }

  private open(row: {
    installation_key: string;
    bot_token_encrypted: Buffer;
    token_key_id: string;
  }): string {
    const sealed: SealedToken = { sealed: row.bot_token_encrypted, keyId: row.token_key_id };
    return this.cipher.open(sealed, row.installation_key);
  }
}

/**
 * Proactive sends with Add to Slack: the token of the workspace that owns the destination. A
 * workspace without an installation (never installed, or uninstalled) is a permanent failure.
 */
export function installationTokens(
  installations: Pick<SlackInstallations, "botToken">,
  teamOf: (to: Destination) => Promise<string>,
): SlackTokenLookup {
  return async (to) => {
    const token = await installations.botToken(await teamOf(to));
    if (!token) throw notInstalled();
    return token;
  };
}
