import { pino } from "pino";

export type Logger = pino.Logger;

/** Structured JSON logs; anything that looks like a secret is censored before it is written. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "stackup" },
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
    destination,
  );
}
