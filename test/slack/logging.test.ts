import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { boltLogger } from "../../adapters/slack/logging.ts";
import { createLogger } from "../../src/log.ts";

function capture(level: string) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger(level, sink) };
}

/** Counts how often a log argument is turned into text. */
function counted() {
  const seen = { formatted: 0 };
  const part = {
    toJSON() {
      seen.formatted++;
      return { token: "xoxb-secret-123" };
    },
  };
  return { seen, part };
}

describe("Bolt's logger on ours", () => {
  it("does not format Bolt's lines below the service's level", () => {
    const { lines, logger } = capture("info");
    const bolt = boltLogger(logger, "info");
    const { seen, part } = counted();
    bolt.debug("api call", part);
    expect(seen.formatted).toBe(0);
    expect(lines).toHaveLength(0);
    bolt.warn("retrying", part);
    expect(seen.formatted).toBe(1);
    expect(lines).toHaveLength(1);
  });

  it("writes them at debug, secrets scrubbed, whatever level Bolt sets on it", () => {
    const { lines, logger } = capture("debug");
    const bolt = boltLogger(logger, "info");
    bolt.setLevel("info" as never);
    const { seen, part } = counted();
    bolt.debug("api call", part);
    expect(seen.formatted).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("api call");
    expect(lines[0]).not.toContain("xoxb-secret-123");
  });
});
