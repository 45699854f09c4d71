import { describe, expect, it } from "vitest";
import { isConnectionError } from "../../jobs/backend.ts";

const error = (message: string, code?: string) => Object.assign(new Error(message), { code });

describe("which queue errors are a lost connection (told once per outage, not per retry)", () => {
  it("knows refused, reset and closed connections of Redis and PostgreSQL", () => {
    expect(isConnectionError(error("connect ECONNREFUSED 127.0.0.1:6379", "ECONNREFUSED"))).toBe(
      true,
    );
    expect(isConnectionError(error("read ECONNRESET", "ECONNRESET"))).toBe(true);
    expect(isConnectionError(error("Connection is closed."))).toBe(true);
    expect(isConnectionError(error("Connection terminated unexpectedly"))).toBe(true);
    expect(
      isConnectionError(error("terminating connection due to administrator command", "57P01")),
    ).toBe(true);
  });

  it("leaves every other error to be logged", () => {
    expect(isConnectionError(error("ERR unknown command 'FOO'"))).toBe(false);
    expect(isConnectionError(error("Missing lock for job 7. moveToFinished"))).toBe(false);
    expect(isConnectionError(error('relation "jobs" does not exist', "42P01"))).toBe(false);
  });
});
