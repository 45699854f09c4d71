import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";

/** Where Microsoft publishes the keys that sign Entra ID tokens. */
export const MICROSOFT_KEYS_URL = "https://login.microsoftonline.com/common/discovery/v2.0/keys";

/** Who a valid Teams SSO token names. */
export interface TabUser {
  tenantId: string;
  aadObjectId: string;
  name: string | null;
  email: string | null;
}

/** A token that must not be trusted; `reason` is for the log, never for the page. */
export class SsoTokenError extends Error {
  override readonly name = "SsoTokenError";
}

export interface SsoOptions {
  /** The bot's app id, which the tab's Entra ID app registration shares. */
  appId: string;
  /** PUBLIC_URL: the audience is api://<its host>/<app id>, as the manifest declares. */
  publicUrl: string;
  /** A single-tenant bot accepts tokens from its own tenant only. */
  tenantId?: string | undefined;
  keys: JWTVerifyGetKey;
}

/** The keys, fetched when a token names one not seen yet, and cached. */
export function remoteKeys(url: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(url), { timeoutDuration: 5_000, cooldownDuration: 30_000 });
}

export function tabAudience(publicUrl: string, appId: string): string {
  return `api://${new URL(publicUrl).host}/${appId}`;
}

const str = (payload: JWTPayload, name: string) => {
  const value = payload[name];
  return typeof value === "string" && value.trim() ? value.trim() : null;
};

/**
 * Checks a token from the Teams JavaScript client's getAuthToken: signed by one of Microsoft's
 * keys, for this app's audience, not expired, issued by Entra ID for the tenant it names (and
 * for our own tenant when the bot is single-tenant).
 */
export async function verifyTabToken(token: string, options: SsoOptions): Promise<TabUser> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, options.keys, {
      audience: tabAudience(options.publicUrl, options.appId),
      algorithms: ["RS256"],
      clockTolerance: 60,
      requiredClaims: ["exp", "iss", "tid", "oid"],
    }));
  } catch (error) {
    throw new SsoTokenError(error instanceof Error ? error.message : String(error));
  }
  const tenantId = str(payload, "tid");
  const aadObjectId = str(payload, "oid");
  if (!tenantId || !aadObjectId) throw new SsoTokenError("token names no tenant or person");
  const issuers = [
    `https://login.microsoftonline.com/${tenantId}/v2.0`,
    `https://sts.windows.net/${tenantId}/`,
  ];
  if (!issuers.includes(payload.iss ?? "")) throw new SsoTokenError("unexpected issuer");
  if (options.tenantId && options.tenantId !== tenantId) {
    throw new SsoTokenError("token from another tenant");
  }
  const email = str(payload, "preferred_username") ?? str(payload, "upn");
  return {
    tenantId,
    aadObjectId,
    name: str(payload, "name"),
    email: email?.includes("@") ? email.toLowerCase() : null,
  };
}
