import path from "node:path";
import ipaddr from "ipaddr.js";

/** Typed configuration, read from the environment in this one place. */
export interface Config {
  port: number;
  databaseUrl: string | undefined;
  /** PostgreSQL schema for Stackup's tables; unset means the server's default (public). */
  databaseSchema: string | undefined;
  /** Prefix of every queue key in Redis, so several deployments can share one Redis. */
  queuePrefix: string;
  dataDir: string;
  redisUrl: string | undefined;
  logLevel: string;
  /** SHUTDOWN_TIMEOUT: how long SIGTERM waits for work in flight (default 25 s). */
  shutdownTimeoutMs?: number;
  /** LOG_FORMAT: JSON lines (default) or pino-pretty's colourful lines for development. */
  logFormat?: LogFormat;
  /**
   * Bull Board at /admin/queues: on only when DASHBOARD_PASSWORD is set (DASHBOARD_USER defaults
   * to "admin"). Optional so hand-built configs stay valid.
   */
  dashboard?: { user: string; password: string } | undefined;
  slack: {
    signingSecret: string | undefined;
    botToken: string | undefined;
    appToken: string | undefined;
    apiUrl: string | undefined;
    /**
     * Add to Slack (OAuth v2, many workspaces): on when all three are set, HTTP mode only. Optional
     * so hand-built single-workspace configs stay valid.
     */
    clientId?: string | undefined;
    clientSecret?: string | undefined;
    stateSecret?: string | undefined;
    /** Encrypts stored bot tokens; STACKUP_SECRET_KEY, or SLACK_STATE_SECRET when that is unset. */
    tokenKey?: string | undefined;
  };
  /**
   * Microsoft Teams through the Bot Framework; on when `appId` is set or unauthenticated is
   * allowed. Optional so hand-built configs without Teams stay valid.
   */
  teams?: {
    appId: string | undefined;
    appPassword: string | undefined;
    appType: TeamsAppType;
    tenantId: string | undefined;
    /** Local and tests only: accept activities without a Bot Framework token. */
    allowUnauthenticated: boolean;
    /**
     * Set by the playground, whose own Bot Connector stand-in sends unsigned activities; unset
     * means TEAMS_ALLOW_UNAUTHENTICATED allowed them. Only the start-up log line differs.
     */
    unauthenticatedFor?: "playground";
    /**
     * PUBLIC_URL: where Stackup is reached over HTTPS, for images cards show by link (a digest's
     * chart). Without it images go inline, and are left out when a message would be too large.
     */
    publicUrl?: string | undefined;
    /** TEAMS_SSO_KEYS_URL: where the keys signing Teams SSO tokens are read (tests and proxies). */
    ssoKeysUrl?: string | undefined;
  };
  /**
   * The local playground (a pretend Slack and Teams at /playground): "auto" serves it on
   * 127.0.0.1 when no platform is configured, "on" the same on every interface, "off" never.
   * Optional so hand-built configs stay valid.
   */
  playground?: "auto" | "on" | "off";
  /**
   * COMMAND_THREAD: "on" (the default) answers slash commands on a thread of their own when
   * DATABASE_URL is set, so the acks' event loop does only acks; "off" answers them beside the
   * acks. Optional so hand-built configs stay valid (unset is "on").
   */
  commandThread?: "on" | "off";
  /**
   * Badge checks. `allowRanges` (VERIFY_ALLOW_RANGES) lists address ranges badge links may reach
   * although they are not public; for development and tests only. Optional so hand-built
   * configs stay valid.
   */
  verification?: { allowRanges: readonly string[] };
  /** STACKUP_ADMINS: emails or platform user ids that are always workspace admins. */
  admins?: readonly string[];
  /**
   * CHECKIN_NUDGES_PER_WEEK: nudges per person per week beyond the check-ins (default 2).
   * Optional so hand-built configs stay valid.
   */
  checkinNudgesPerWeek?: number;
  /**
   * RETENTION_DAYS_AFTER_UNINSTALL: days a workspace's data is kept after it uninstalls Stackup
   * (default 30). Optional so hand-built configs stay valid.
   */
  retentionDaysAfterUninstall?: number;
  /** Names of the variables that must never be logged. */
  secretNames: readonly string[];
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ["json", "pretty"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const TEAMS_APP_TYPES = ["MultiTenant", "SingleTenant", "UserAssignedMSI"] as const;
export type TeamsAppType = (typeof TEAMS_APP_TYPES)[number];

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const SECRET_NAMES = [
  "DATABASE_URL",
  "REDIS_URL",
  "SLACK_SIGNING_SECRET",
  "SLACK_BOT_TOKEN",
  "SLACK_APP_TOKEN",
  "SLACK_CLIENT_SECRET",
  "SLACK_STATE_SECRET",
  "STACKUP_SECRET_KEY",
  "MicrosoftAppPassword",
  "DASHBOARD_PASSWORD",
] as const;

function nonEmpty(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];

  const portText = nonEmpty(env, "PORT") ?? "3000";
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`PORT must be a whole number from 0 to 65535 (got "${portText}").`);
  }

  const databaseUrl = nonEmpty(env, "DATABASE_URL");
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push("DATABASE_URL must start with postgres:// or postgresql://.");
  }
  const databaseSchema = nonEmpty(env, "DATABASE_SCHEMA");
  if (databaseSchema && !/^[a-z_][a-z0-9_]{0,62}$/.test(databaseSchema)) {
    problems.push("DATABASE_SCHEMA must be a lower-case identifier (letters, digits, _).");
  }
  const queuePrefix = nonEmpty(env, "QUEUE_PREFIX") ?? "stackup";
  if (!/^[\w-]{1,40}$/.test(queuePrefix)) {
    problems.push("QUEUE_PREFIX may only hold letters, digits, _ and - (at most 40).");
  }
  const redisUrl = nonEmpty(env, "REDIS_URL");
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) {
    problems.push("REDIS_URL must start with redis:// or rediss://.");
  }

  const apiUrl = nonEmpty(env, "SLACK_API_URL");
  if (apiUrl && !/^https?:\/\/.+\/$/.test(apiUrl)) {
    problems.push(
      'SLACK_API_URL must be an http(s) URL ending in "/" (e.g. https://slack.com/api/).',
    );
  }
  const botToken = nonEmpty(env, "SLACK_BOT_TOKEN");
  const signingSecret = nonEmpty(env, "SLACK_SIGNING_SECRET");
  const appToken = nonEmpty(env, "SLACK_APP_TOKEN");
  const clientId = nonEmpty(env, "SLACK_CLIENT_ID");
  const clientSecret = nonEmpty(env, "SLACK_CLIENT_SECRET");
  const stateSecret = nonEmpty(env, "SLACK_STATE_SECRET");
  const secretKey = nonEmpty(env, "STACKUP_SECRET_KEY");
  const oauthParts = {
    SLACK_CLIENT_ID: clientId,
    SLACK_CLIENT_SECRET: clientSecret,
    SLACK_STATE_SECRET: stateSecret,
  };
  const oauthSet = Object.entries(oauthParts)
    .filter(([, v]) => v)
    .map(([k]) => k);
  const oauth = oauthSet.length > 0;
  if (oauth) {
    const missing = Object.keys(oauthParts).filter((k) => !oauthSet.includes(k));
    if (missing.length > 0) {
      problems.push(
        `Add to Slack needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET together (from the app's Basic Information page); ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} missing.`,
      );
    }
    if (botToken) {
      problems.push(
        "SLACK_BOT_TOKEN (one workspace) and SLACK_CLIENT_ID (Add to Slack, many workspaces) can't both be set: unset one of them.",
      );
    }
    if (appToken) {
      problems.push(
        "Socket Mode (SLACK_APP_TOKEN) serves one workspace: unset it to use Add to Slack over HTTP, or use SLACK_BOT_TOKEN instead of SLACK_CLIENT_ID.",
      );
    }
    if (!signingSecret) {
      problems.push(
        "Add to Slack needs SLACK_SIGNING_SECRET too, to verify requests to /slack/events.",
      );
    }
    const key = secretKey ?? stateSecret;
    if (key && key.length < 32) {
      problems.push(
        secretKey
          ? "STACKUP_SECRET_KEY must be at least 32 characters (e.g. from `openssl rand -hex 32`)."
          : "SLACK_STATE_SECRET must be at least 32 characters: it also encrypts the stored bot tokens unless STACKUP_SECRET_KEY is set (e.g. `openssl rand -hex 32`).",
      );
    }
  } else {
    if (botToken && !signingSecret && !appToken) {
      problems.push(
        "SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP mode) nor SLACK_APP_TOKEN (Socket Mode) is.",
      );
    }
    if ((signingSecret || appToken) && !botToken) {
      problems.push(
        "Slack needs SLACK_BOT_TOKEN as well as SLACK_SIGNING_SECRET or SLACK_APP_TOKEN (or, for Add to Slack, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET with SLACK_SIGNING_SECRET).",
      );
    }
    if (secretKey && secretKey.length < 32) {
      problems.push(
        "STACKUP_SECRET_KEY must be at least 32 characters (e.g. from `openssl rand -hex 32`).",
      );
    }
  }

  const appId = nonEmpty(env, "MicrosoftAppId");
  const appPassword = nonEmpty(env, "MicrosoftAppPassword");
  const tenantId = nonEmpty(env, "MicrosoftAppTenantId");
  const appTypeText = nonEmpty(env, "MicrosoftAppType");
  const appType = TEAMS_APP_TYPES.find((t) => t.toLowerCase() === appTypeText?.toLowerCase());
  if (appTypeText && !appType) {
    problems.push(`MicrosoftAppType must be one of ${TEAMS_APP_TYPES.join(", ")}.`);
  }
  const unauthText = nonEmpty(env, "TEAMS_ALLOW_UNAUTHENTICATED")?.toLowerCase() ?? "false";
  if (unauthText !== "true" && unauthText !== "false") {
    problems.push("TEAMS_ALLOW_UNAUTHENTICATED must be true or false.");
  }
  const allowUnauthenticated = unauthText === "true";
  if (appId) {
    if (allowUnauthenticated) {
      problems.push(
        "TEAMS_ALLOW_UNAUTHENTICATED=true cannot be combined with MicrosoftAppId: a bot with an app id always checks Bot Framework tokens.",
      );
    }
    if (!appTypeText) {
      // Azure no longer creates multi-tenant bots, so guessing would fail later at token time.
      problems.push(
        "MicrosoftAppType is not set: name SingleTenant or UserAssignedMSI as registered in Azure (MultiTenant for older registrations).",
      );
    } else if (appType !== "UserAssignedMSI" && !appPassword) {
      problems.push(`MicrosoftAppType ${appType ?? appTypeText} needs MicrosoftAppPassword.`);
    }
    if (appType && appType !== "MultiTenant" && !tenantId) {
      problems.push(`MicrosoftAppType ${appType ?? appTypeText} needs MicrosoftAppTenantId.`);
    }
  } else if (appPassword) {
    problems.push("MicrosoftAppPassword is set but MicrosoftAppId is not.");
  }

  const publicUrl = nonEmpty(env, "PUBLIC_URL")?.replace(/\/+$/, "");
  if (publicUrl && !/^https:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(publicUrl)) {
    problems.push(
      "PUBLIC_URL must be the https:// address Stackup is reached at, such as https://stackup.example.com (Teams loads images over HTTPS only).",
    );
  }

  const ssoKeysUrl = nonEmpty(env, "TEAMS_SSO_KEYS_URL");
  if (ssoKeysUrl && !/^https?:\/\/\S+$/.test(ssoKeysUrl)) {
    problems.push("TEAMS_SSO_KEYS_URL must be an http(s) address of a JSON Web Key Set.");
  }

  const logLevel = nonEmpty(env, "LOG_LEVEL")?.toLowerCase() ?? "info";
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}.`);
  }
  const logFormat = nonEmpty(env, "LOG_FORMAT")?.toLowerCase() ?? "json";
  if (!(LOG_FORMATS as readonly string[]).includes(logFormat)) {
    problems.push('LOG_FORMAT must be "json" or "pretty".');
  }
  const shutdownText = nonEmpty(env, "SHUTDOWN_TIMEOUT") ?? "25";
  const shutdownSeconds = Number(shutdownText);
  if (!/^\d+(\.\d+)?$/.test(shutdownText) || shutdownSeconds > 3600) {
    problems.push("SHUTDOWN_TIMEOUT must be a number of seconds from 0 to 3600.");
  }
  const dashboardPassword = nonEmpty(env, "DASHBOARD_PASSWORD");
  if (dashboardPassword && dashboardPassword.length < 12) {
    problems.push(
      "DASHBOARD_PASSWORD must be at least 12 characters (e.g. from `openssl rand -hex 16`).",
    );
  }

  const playground = nonEmpty(env, "PLAYGROUND")?.toLowerCase() ?? "auto";
  if (playground !== "auto" && playground !== "on" && playground !== "off") {
    problems.push('PLAYGROUND must be "auto", "on" or "off".');
  }

  const commandThread = nonEmpty(env, "COMMAND_THREAD")?.toLowerCase() ?? "on";
  if (commandThread !== "on" && commandThread !== "off") {
    problems.push('COMMAND_THREAD must be "on" or "off".');
  }

  const allowRanges = (nonEmpty(env, "VERIFY_ALLOW_RANGES") ?? "")
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  for (const range of allowRanges) {
    try {
      ipaddr.parseCIDR(range);
    } catch {
      problems.push(
        `VERIFY_ALLOW_RANGES must be comma-separated address ranges such as 127.0.0.1/32 or 10.0.0.0/8 ("${range}" is not one).`,
      );
    }
  }

  const nudgesText = nonEmpty(env, "CHECKIN_NUDGES_PER_WEEK") ?? "2";
  const checkinNudgesPerWeek = Number(nudgesText);
  if (!/^\d+$/.test(nudgesText) || checkinNudgesPerWeek > 50) {
    problems.push("CHECKIN_NUDGES_PER_WEEK must be a whole number from 0 to 50.");
  }

  const retentionText = nonEmpty(env, "RETENTION_DAYS_AFTER_UNINSTALL") ?? "30";
  const retentionDaysAfterUninstall = Number(retentionText);
  if (
    !/^\d+$/.test(retentionText) ||
    retentionDaysAfterUninstall < 1 ||
    retentionDaysAfterUninstall > 3650
  ) {
    problems.push("RETENTION_DAYS_AFTER_UNINSTALL must be a whole number of days from 1 to 3650.");
  }

  if (problems.length > 0) throw new ConfigError(problems);

  return {
    port,
    databaseUrl,
    databaseSchema,
    queuePrefix,
    dataDir: path.resolve(nonEmpty(env, "DATA_DIR") ?? "./data"),
    redisUrl,
    logLevel,
    shutdownTimeoutMs: shutdownSeconds * 1000,
    logFormat: logFormat as LogFormat,
    dashboard: dashboardPassword
      ? { user: nonEmpty(env, "DASHBOARD_USER") ?? "admin", password: dashboardPassword }
      : undefined,
    slack: {
      signingSecret,
      botToken,
      appToken,
      apiUrl,
      ...(oauth ? { clientId, clientSecret, stateSecret, tokenKey: secretKey ?? stateSecret } : {}),
    },
    teams: {
      appId,
      appPassword,
      // Without an app id no credentials are used; with one, validation above requires the type.
      appType: appType ?? "MultiTenant",
      tenantId,
      allowUnauthenticated,
      publicUrl,
      ssoKeysUrl,
    },
    playground: playground === "off" || playground === "on" ? playground : "auto",
    commandThread: commandThread === "off" ? "off" : "on",
    admins: (nonEmpty(env, "STACKUP_ADMINS") ?? "")
      .split(",")
      .map((a) => a.trim().toLowerCase())
      .filter(Boolean),
    verification: { allowRanges },
    checkinNudgesPerWeek,
    retentionDaysAfterUninstall,
    secretNames: SECRET_NAMES,
  };
}
