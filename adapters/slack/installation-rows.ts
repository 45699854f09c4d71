import type { ColumnType, Generated, Kysely } from "kysely";
import type { Database } from "../../src/db/types.ts";
import type { AdapterLogger } from "./logging.ts";

/** A type alias, not an interface: withTables needs an index-compatible record. */
export type SlackInstallationsTable = {
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
  /** Token rotation only: the refresh token, sealed like the bot token; null without rotation. */
  refresh_token_encrypted: Buffer | null;
  /** Token rotation only: when the bot token stops working. */
  bot_token_expires_at: Date | null;
  installed_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
};

/** What migration 014 added to our workspace rows: the Grid organisation a workspace is in. */
export type WorkspaceEnterprise = { enterprise_id: string | null };

export type InstallDb = Kysely<
  Database & { slack_installations: SlackInstallationsTable; workspaces: WorkspaceEnterprise }
>;

/** Tokens rarely change, and an uninstall in another process is noticed within this long. */
export const TOKEN_TTL_MS = 60_000;
/** "Not installed" is remembered briefly: a workspace installing again is picked up at once. */
export const MISSING_TTL_MS = 5_000;
export const MAX_CACHED = 50_000;
/** A rotating token is refreshed when it expires within this long (Bolt's own default). */
export const REFRESH_MARGIN_MS = 2 * 60 * 60_000;
/** After a refresh failed for a passing reason, the current token is used this long first. */
export const REFRESH_BACKOFF_MS = 60_000;
/** A refresh holds the installation's row lock: it must not wait on Slack for long. */
export const REFRESH_TIMEOUT_MS = 10_000;
/**
 * Slack's answers to a refresh that no retry can fix: the installation is gone. A wrong client id
 * or secret is not among them: that is the service's configuration, not the workspace's.
 */
export const REFRESH_REFUSED = new Set([
  "invalid_refresh_token",
  "invalid_grant",
  "token_revoked",
  "token_expired",
  "account_inactive",
  "app_uninstalled",
]);

/** Token rotation: the app's credentials, which oauth.v2.access asks for with a refresh token. */
export interface TokenRotation {
  clientId: string;
  clientSecret: string;
  /** Slack's Web API (a stand-in in tests); https://slack.com/api/ unless set. */
  apiUrl?: string | undefined;
  logger?: AdapterLogger;
}

export const TOKEN_COLUMNS = [
  "installation_key",
  "bot_token_encrypted",
  "token_key_id",
  "refresh_token_encrypted",
  "bot_token_expires_at",
] as const;

export interface TokenRow {
  installation_key: string;
  bot_token_encrypted: Buffer;
  token_key_id: string;
  refresh_token_encrypted: Buffer | null;
  bot_token_expires_at: Date | null;
}

/** A token to use, and until when (on the store's clock) it may be used without another look. */
export interface Usable {
  token: string;
  until: number;
}

/** The team id, or the enterprise id for an org-wide install: one row each. */
export function keyOf(query: {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  isEnterpriseInstall?: boolean | undefined;
}): string | undefined {
  return query.isEnterpriseInstall ? query.enterpriseId : query.teamId;
}
