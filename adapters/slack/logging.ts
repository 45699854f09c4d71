import type { Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { Logger } from "pino";

/** The slice of pino the adapter uses, so tests can pass a recorder. */
export type AdapterLogger = Pick<Logger, "debug" | "info" | "warn" | "error"> &
  Partial<Pick<Logger, "isLevelEnabled">>;

/**
 * What may be logged about an error: name, code, message, stack and Slack's error string.
 * Never the whole object: request errors can carry headers, bodies and response_urls.
 */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const described: Record<string, unknown> = { name: error.name, message: error.message };
  const coded = error as Error & { code?: unknown; data?: { error?: unknown } };
  if (typeof coded.code === "string") described.code = coded.code;
  if (typeof coded.data?.error === "string") described.slackError = coded.data.error;
  if (error.stack) described.stack = error.stack;
  return described;
}

/**
 * Bolt's and the Web API client's debug lines are text, which field redaction can't reach: the
 * token exchange's request body carries the client secret and its answer the new bot token.
 */
const SECRETS_IN_TEXT: [RegExp, string][] = [
  [/xox[a-z]-[\w-]+/gi, "xox-[redacted]"],
  [/("?client_secret"?\s*[:=]\s*"?)[^"&\s,}]+/gi, "$1[redacted]"],
];

export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRETS_IN_TEXT) out = out.replace(pattern, replacement);
  return out;
}

function flatten(parts: unknown[]): string {
  return scrubSecrets(
    parts
      .map((part) => {
        if (typeof part === "string") return part;
        if (part instanceof Error) return `${part.name}: ${part.message}`;
        try {
          return JSON.stringify(part);
        } catch {
          return String(part);
        }
      })
      .join(" "),
  );
}

/**
 * Bolt's logger interface on top of ours; Bolt's messages become one line each. Bolt and the Web
 * API client write several debug lines a request: below our logger's level they are not even
 * formatted. Bolt's own level (it sets its default, info) only answers getLevel.
 */
export function boltLogger(logger: AdapterLogger, level: string): BoltLogger {
  let current = (["debug", "info", "warn", "error"].includes(level) ? level : "info") as LogLevel;
  let name = "slack";
  const at =
    (lvl: "debug" | "info" | "warn" | "error") =>
    (...msg: unknown[]) => {
      if (logger.isLevelEnabled?.(lvl) ?? true) logger[lvl]({ component: name }, flatten(msg));
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    setLevel: (next: LogLevel) => {
      current = next;
    },
    getLevel: () => current,
    setName: (next: string) => {
      name = next;
    },
  };
}
