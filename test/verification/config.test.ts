import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";

describe("VERIFY_ALLOW_RANGES", () => {
  it("is empty unless set: badge checks reach public addresses only", () => {
    expect(loadConfig({}).verification).toEqual({ allowRanges: [] });
  });

  it("reads comma-separated IPv4 and IPv6 ranges", () => {
    const config = loadConfig({ VERIFY_ALLOW_RANGES: " 127.0.0.1/32, 10.0.0.0/8,,fd00::/8 " });
    expect(config.verification?.allowRanges).toEqual(["127.0.0.1/32", "10.0.0.0/8", "fd00::/8"]);
  });

  it("names each range that is not one", () => {
    let problems: string[] = [];
    try {
      loadConfig({ VERIFY_ALLOW_RANGES: "127.0.0.1, 10.0.0.0/8, localhost/8" });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      problems = (error as ConfigError).problems;
    }
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('"127.0.0.1" is not one');
    expect(problems[1]).toContain('"localhost/8" is not one');
  });
});
