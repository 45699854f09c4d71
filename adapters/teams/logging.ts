import type { Logger } from "pino";

/** The slice of pino the adapter uses, so tests can pass a recorder. */
export type AdapterLogger = Pick<Logger, "debug" | "info" | "warn" | "error">;

/**
 * What may be logged about an error: name, message, status, code and stack. Never the whole
 * object: connector errors carry the request, with its Authorization header.
 */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const described: Record<string, unknown> = { name: error.name, message: error.message };
  const coded = error as Error & { code?: unknown; statusCode?: unknown };
  if (typeof coded.code === "string") described.code = coded.code;
  if (typeof coded.statusCode === "number") described.statusCode = coded.statusCode;
  if (error.stack) described.stack = error.stack;
  return described;
}
