import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../bin/stackup.js", import.meta.url));
const ROOT = fileURLToPath(new URL("./fixtures/openbadges/", import.meta.url));
const MAP = ["--map", `https://example.org/=${ROOT}ob20/assets/`, "--now", "2025-06-01T00:00:00Z"];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the installed CLI entry point as a user would, with a minimal environment. */
function stackup(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "silent" }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("stackup verify as a process", () => {
  it("prints one JSON object and exits 0 for a valid credential file", async () => {
    const r = await stackup([
      "verify",
      `${ROOT}ob30/simple.json`,
      "--now",
      "2025-06-01T00:00:00Z",
      "--map",
      `https://example.com/=${mkdtempSync(join(tmpdir(), "verify-map-"))}`,
    ]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const json = JSON.parse(lines[0] ?? "");
    expect(Object.keys(json)).toEqual([
      "verdict",
      "reasons",
      "issuer",
      "name",
      "issuedOn",
      "expires",
      "recipientMatch",
      "trusted",
      "issuerDomain",
      "trustReasons",
      "matchesCredential",
    ]);
    expect(json).toMatchObject({
      verdict: "valid",
      name: "Teamwork",
      recipientMatch: "not_checkable",
      trusted: false,
      issuerDomain: null,
    });
  }, 60_000);

  it("exits 0 for a warning: the recipient matches but the hosted copy is missing", async () => {
    const r = await stackup([
      "verify",
      `${ROOT}ob20/basic-assertion.json`,
      ...MAP,
      "--email",
      "NOBODY@example.org",
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({
      verdict: "warning",
      name: "Awesome Robotics Badge",
      issuer: { name: "An Example Badge Issuer", id: "https://example.org/organization.json" },
      issuedOn: "2016-12-31T23:59:59.000Z",
      recipientMatch: true,
    });
    expect(json.reasons.map((x: { code: string }) => x.code)).toEqual([
      "hosted.unreachable",
      "recipient.match",
    ]);
  }, 60_000);

  it("exits 1 when the badge was awarded to someone else", async () => {
    const r = await stackup([
      "verify",
      `${ROOT}ob20/basic-assertion.json`,
      ...MAP,
      "--email=someone.else@example.org",
    ]);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.verdict).toBe("invalid");
    expect(json.recipientMatch).toBe(false);
    expect(json.reasons.map((x: { code: string }) => x.code)).toContain("recipient.mismatch");
  }, 60_000);

  it("exits 1 for a URL no map covers: offline mode never goes to the network", async () => {
    const r = await stackup(["verify", "https://unmapped.invalid/badge.json", ...MAP]);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.reasons[0]).toEqual({
      code: "fetch.failed",
      message: expect.stringContaining("not available offline"),
    });
  }, 60_000);

  it("exits 2 with the usage on stderr and nothing on stdout for a usage error", async () => {
    const r = await stackup(["verify", "--map", "no-equals-sign", "badge.json"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("usage: stackup verify");
    const missing = await stackup(["verify"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing <url|file>");
  }, 60_000);
});
