import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { pino } from "pino";

export type Logger = pino.Logger;

const correlation = new AsyncLocalStorage<string>();

/**
 * Runs `work` with a correlation id that every log line written meanwhile carries (and that jobs
 * it queues carry too), so one request's or one job's lines can be found together.
 */
export function withCorrelation<T>(id: string | undefined, work: () => T): T {
  return correlation.run(id ?? newCorrelationId(), work);
}

export function correlationId(): string | undefined {
  return correlation.getStore();
}

export const newCorrelationId = (): string => randomUUID();

/** pino-pretty, loaded only when asked for: JSON logs need none of it. */
function prettyStream(): pino.DestinationStream {
  const pretty = createRequire(import.meta.url)("pino-pretty") as typeof import("pino-pretty");
  return pretty({ colorize: true });
}

/**
 * Structured JSON logs, or pino-pretty's readable lines when `format` is "pretty"; anything that
 * looks like a secret is censored before it is written.
 */
export function createLogger(
  level: string,
  destination?: pino.DestinationStream,
  format: "json" | "pretty" = "json",
): Logger {
  return pino(
    {
      level,
      base: { service: "stackup" },
      mixin() {
        const id = correlation.getStore();
        return id ? { correlationId: id } : {};
      },
      redact: {
        paths: [
          "token",
          "*.token",
          "password",
          "*.password",
          "secret",
          "*.secret",
          "authorization",
          "*.authorization",
          "headers.authorization",
          "*.headers.authorization",
          "connectionString",
          "*.connectionString",
          "botToken",
          "*.botToken",
          "clientSecret",
          "*.clientSecret",
          "client_secret",
          "*.client_secret",
          "stateSecret",
          "*.stateSecret",
          "tokenKey",
          "*.tokenKey",
          "access_token",
          "*.access_token",
        ],
        censor: "[redacted]",
      },
    },
    destination ?? (format === "pretty" ? prettyStream() : undefined),
  );
}
