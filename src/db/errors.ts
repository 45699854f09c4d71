/** Socket errors that mean the server could not be reached or the connection broke. */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
]);

/** pg's own words for a connection that broke or never opened. */
const CONNECTION_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/;

/**
 * True when a query failed because PostgreSQL could not be reached or dropped the connection
 * (a restart, a failover), not because the query itself was wrong. Only the error itself is
 * looked at, not its causes: an HTTP client's "fetch failed" wraps socket errors of its own.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== "object") return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === "string") {
    if (CONNECTION_CODES.has(code)) return true;
    // SQLSTATE class 08 is "connection exception"; 57P01-03 a server shutting down or starting.
    if (/^08|^57P0[123]$/.test(code)) return true;
  }
  return typeof message === "string" && CONNECTION_MESSAGES.test(message);
}
