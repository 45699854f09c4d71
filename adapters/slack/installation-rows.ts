import type { AdapterLogger } from "./logging.ts";

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
