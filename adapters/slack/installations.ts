import {
  type Installation,
  type InstallationQuery,
  type InstallationStore,
  webApi,
} from "@slack/bolt";
import { type Kysely, sql } from "kysely";
import type { Database } from "../../src/db/types.ts";
import type { Destination } from "../../src/ports.ts";
import {
  keyOf,
  MAX_CACHED,
  MISSING_TTL_MS,
  REFRESH_BACKOFF_MS,
  REFRESH_MARGIN_MS,
  REFRESH_REFUSED,
  REFRESH_TIMEOUT_MS,
  TOKEN_COLUMNS,
  TOKEN_TTL_MS,
  type TokenRotation,
  type TokenRow,
  type Usable,
} from "./installation-rows.ts";
import { type AdapterLogger, boltLogger, describeError } from "./logging.ts";
import { notInstalled, SlackDeliveryError, type SlackTokenLookup } from "./messenger.ts";
import { type SealedToken, type TokenCipher, TokenKeyError } from "./token-cipher.ts";

export { TokenKeyError };

/**
 * Where Add to Slack keeps each workspace's installation: PostgreSQL, with the bot token
 * encrypted. Bolt stores and fetches through the InstallationStore methods; proactive sends ask
 * `botToken` for a team's token, kept in memory briefly.
 *
 * With Slack's token rotation the bot token expires: whoever needs it within two hours of that
 * (Bolt's authorize through fetchInstallation, or a send through botToken) refreshes it first,
 * under the row's lock, so only one process asks Slack and the others use what it stored.
 */
export class SlackInstallations implements InstallationStore {
  /** By team id; `via` is the installation a token came from (the team's, or its enterprise's). */
  private readonly cache = new Map<
    string,
    { token: string | undefined; until: number; via?: string | undefined }
  >();
  /** The enterprise each team was last seen in, so a request writes it only when it changes. */
  private readonly enterprises = new Map<string, string>();
  /** Refreshes under way in this process, by installation key: concurrent needs share one. */
  private readonly refreshing = new Map<string, Promise<Usable | undefined>>();
  /** Installations whose refresh failed for a passing reason: not tried again before then. */
  private readonly backoff = new Map<string, number>();
  private readonly client: webApi.WebClient | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly cipher: TokenCipher,
    /** Milliseconds since the epoch: the service's Clock, so tests can move time. */
    private readonly now: () => number = Date.now,
    private readonly rotation?: TokenRotation,
  ) {
    if (rotation) {
      // The same client the install's token exchange uses, without retries: the caller retries.
      this.client = new webApi.WebClient(undefined, {
        ...(rotation.apiUrl ? { slackApiUrl: rotation.apiUrl } : {}),
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
        timeout: REFRESH_TIMEOUT_MS,
        // Its debug text goes through the adapter's scrubbing, which hides every xox… token.
        logger: boltLogger(rotation.logger ?? SILENT, "info"),
      });
    }
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
    // Token rotation: Bolt gives the expiry in seconds since the epoch, worked out from the
    // machine's time; it is kept on the store's clock, as refreshes work it out.
    const rotating = bot.refreshToken && bot.expiresAt !== undefined;
    const expiresAt = rotating ? new Date(this.now() + (bot.expiresAt! * 1000 - Date.now())) : null;
    const refresh = rotating ? this.cipher.seal(bot.refreshToken!, key).sealed : null;
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
                enterprise_id: enterpriseId ?? null,
              })
              .onConflict((oc) =>
                oc.columns(["platform", "external_id"]).doUpdateSet((eb) => ({
                  name: eb.fn.coalesce(eb.ref("excluded.name"), eb.ref("workspaces.name")),
                  // Installed again: its data is no longer due to be purged.
                  uninstalled_at: null,
                  enterprise_id: eb.fn.coalesce(
                    eb.ref("excluded.enterprise_id"),
                    eb.ref("workspaces.enterprise_id"),
                  ),
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
        refresh_token_encrypted: refresh,
        bot_token_expires_at: expiresAt,
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
    this.forget(key);
    if (!enterprise && teamId && enterpriseId) this.enterprises.set(teamId, enterpriseId);
    if (enterprise) {
      // Teams of the organisation just found "not installed" are covered now.
      for (const [team, entry] of this.cache)
        if (entry.token === undefined) this.cache.delete(team);
    }
  }

  /**
   * Records the Enterprise Grid organisation a workspace belongs to, as a request from it says
   * (creating our workspace row if it is new): sends there may then use the organisation's
   * org-wide install. Written only when this process has not seen that pairing yet.
   */
  async noteEnterprise(teamId: string, enterpriseId: string): Promise<void> {
    if (this.enterprises.get(teamId) === enterpriseId) return;
    await this.db
      .insertInto("workspaces")
      .values({ platform: "slack", external_id: teamId, name: null, enterprise_id: enterpriseId })
      .onConflict((oc) =>
        oc
          .columns(["platform", "external_id"])
          .doUpdateSet({ enterprise_id: enterpriseId })
          .where("workspaces.enterprise_id", "is distinct from", enterpriseId),
      )
      .execute();
    if (this.enterprises.size >= MAX_CACHED) this.enterprises.clear();
    this.enterprises.set(teamId, enterpriseId);
    // A "not installed" remembered for the team may no longer hold.
    if (this.cache.get(teamId)?.token === undefined) this.cache.delete(teamId);
  }

  /** Drops what is remembered about an installation, and every team's token taken from it. */
  private forget(key: string): void {
    this.cache.delete(key);
    this.backoff.delete(key);
    for (const [team, entry] of this.cache) if (entry.via === key) this.cache.delete(team);
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
      // Bolt is given no refresh token, so it never refreshes on its own: this store does.
      const usable = await this.usable(row);
      if (!usable) continue;
      const token = usable.token;
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
    const gone = await this.db
      .deleteFrom("slack_installations")
      .where("installation_key", "=", key)
      .returning("workspace_id")
      .execute();
    await this.markUninstalled(gone.map((g) => g.workspace_id));
    this.forget(key);
  }

  /** Starts the retention period after which an uninstalled workspace's data is purged. */
  private async markUninstalled(workspaceIds: (number | null)[]): Promise<void> {
    const ids = workspaceIds.filter((id): id is number => id !== null);
    if (ids.length === 0) return;
    await this.db
      .updateTable("workspaces")
      .set({ uninstalled_at: new Date(this.now()) })
      .where("id", "in", ids)
      .where("uninstalled_at", "is", null)
      .execute();
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
      .returning("workspace_id")
      .execute();
    const removed = gone.length > 0;
    await this.markUninstalled(gone.map((g) => g.workspace_id));
    if (removed) this.forget(key);
    else this.cache.delete(key);
    return removed;
  }

  /**
   * The bot token for a team: its own installation's, else the org-wide installation of the
   * Enterprise Grid organisation it was seen in, else undefined (not installed).
   */
  async botToken(teamId: string): Promise<string | undefined> {
    const at = this.now();
    const cached = this.cache.get(teamId);
    if (cached && cached.until > at) return cached.token;
    const rows = await this.db
      .selectFrom("slack_installations")
      .where((eb) =>
        eb.or([
          eb("installation_key", "=", teamId),
          eb.and([
            eb("is_enterprise_install", "=", true),
            eb(
              "installation_key",
              "=",
              eb
                .selectFrom("workspaces")
                .where("platform", "=", "slack")
                .where("external_id", "=", teamId)
                .select("enterprise_id"),
            ),
          ]),
        ]),
      )
      .select(TOKEN_COLUMNS)
      // The team's own installation first.
      .orderBy(sql`installation_key = ${teamId}`, "desc")
      .execute();
    let usable: Usable | undefined;
    let via: string | undefined;
    for (const row of rows) {
      usable = await this.usable(row);
      via = row.installation_key;
      if (usable) break;
    }
    const token = usable?.token;
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    const until = token ? Math.min(at + TOKEN_TTL_MS, usable!.until) : at + MISSING_TTL_MS;
    this.cache.set(teamId, token ? { token, until, via } : { token, until });
    return token;
  }

  /**
   * The row's bot token, refreshed first when it rotates and expires within the margin; undefined
   * when Slack refused the refresh (the installation is then gone). Throws a temporary
   * SlackDeliveryError when the token has expired and Slack could not be asked for another.
   */
  private async usable(row: TokenRow): Promise<Usable | undefined> {
    const at = this.now();
    const key = row.installation_key;
    if (!this.needsRefresh(row, at)) return this.current(row);
    const expires = row.bot_token_expires_at!.getTime();
    const waitUntil = this.backoff.get(key) ?? 0;
    if (waitUntil > at && expires > at) {
      return { token: this.open(row), until: Math.min(waitUntil, expires) };
    }
    let pending = this.refreshing.get(key);
    if (!pending) {
      pending = this.refresh(key).finally(() => this.refreshing.delete(key));
      this.refreshing.set(key, pending);
    }
    return pending;
  }

  private needsRefresh(row: TokenRow, at: number): boolean {
    const expires = row.bot_token_expires_at?.getTime();
    return row.refresh_token_encrypted && expires !== undefined
      ? expires - at <= REFRESH_MARGIN_MS
      : false;
  }

  private current(row: TokenRow): Usable {
    const expires = row.bot_token_expires_at?.getTime();
    return {
      token: this.open(row),
      until: expires === undefined ? Number.POSITIVE_INFINITY : expires - REFRESH_MARGIN_MS,
    };
  }

  /**
   * One refresh, holding the row's lock: the row is read again after taking it, and a token
   * another process refreshed meanwhile is used as it is.
   */
  private async refresh(key: string): Promise<Usable | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom("slack_installations")
        .where("installation_key", "=", key)
        .select(TOKEN_COLUMNS)
        .forUpdate()
        .executeTakeFirst();
      if (!row) return undefined;
      const at = this.now();
      if (!this.needsRefresh(row, at)) return this.current(row);
      const expires = row.bot_token_expires_at!.getTime();
      const log = this.rotation?.logger;
      let answer: webApi.OauthV2AccessResponse | undefined;
      let code = "no_client_credentials";
      if (this.client && this.rotation) {
        try {
          answer = await this.client.oauth.v2.access({
            client_id: this.rotation.clientId,
            client_secret: this.rotation.clientSecret,
            grant_type: "refresh_token",
            refresh_token: this.cipher.open(
              { sealed: row.refresh_token_encrypted!, keyId: row.token_key_id },
              key,
            ),
          });
        } catch (error) {
          code = refreshErrorCode(error);
          if (REFRESH_REFUSED.has(code)) {
            // The installation can't be used any more: forgotten, as an uninstall would.
            await trx
              .deleteFrom("slack_installations")
              .where("installation_key", "=", key)
              .execute();
            this.forget(key);
            log?.error(
              { installation: key, slackError: code },
              "Slack refused to refresh the bot token: Stackup must be installed in that workspace again",
            );
            return undefined;
          }
          log?.warn(
            { installation: key, err: describeError(error), code },
            "Could not refresh a Slack bot token; will try again",
          );
        }
      }
      const token = answer?.access_token;
      const refreshToken = answer?.refresh_token;
      const expiresIn = answer?.expires_in;
      if (!token || !refreshToken || typeof expiresIn !== "number") {
        if (answer) code = "incomplete_refresh";
        // A passing failure: the current token serves while it lasts.
        if (expires > at) {
          const retryAt = at + REFRESH_BACKOFF_MS;
          this.backoff.set(key, retryAt);
          return { token: this.open(row), until: Math.min(retryAt, expires) };
        }
        throw new SlackDeliveryError("oauth.v2.access", code, false);
      }
      const sealed = this.cipher.seal(token, key);
      const expiresAt = at + expiresIn * 1000;
      // updated_at is left alone: it tells a reinstall from an uninstall event that came late.
      await trx
        .updateTable("slack_installations")
        .set({
          bot_token_encrypted: sealed.sealed,
          token_key_id: sealed.keyId,
          refresh_token_encrypted: this.cipher.seal(refreshToken, key).sealed,
          bot_token_expires_at: new Date(expiresAt),
        })
        .where("installation_key", "=", key)
        .execute();
      this.backoff.delete(key);
      return { token, until: expiresAt - REFRESH_MARGIN_MS };
    });
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

const SILENT: AdapterLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Slack's error string for a failed refresh, or what kind of failure it was. */
function refreshErrorCode(error: unknown): string {
  if (error instanceof webApi.WebAPIPlatformError) return String(error.data.error);
  if (error instanceof webApi.WebAPIHTTPError) return `http_${error.statusCode}`;
  if (error instanceof webApi.WebAPIRateLimitedError) return "ratelimited";
  return "request_failed";
}

/**
 * Proactive sends with Add to Slack: the token of the workspace that owns the destination (its
 * own installation, else its Grid organisation's org-wide one). A workspace without either (never
 * installed, or uninstalled) is a permanent failure.
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
