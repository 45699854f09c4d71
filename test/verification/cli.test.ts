import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { verifyCommand } from "../../bin/commands/verify.ts";
import type { GoalCredential } from "../../src/domain/verification/completion.ts";
import { EMAIL, ob2Assertion, ob2Badge, ob2Issuer } from "./forgeries.ts";

const ROOT = fileURLToPath(new URL("./fixtures/openbadges/", import.meta.url));
const ASSETS = `${ROOT}ob20/assets/`;
const NOW = "2025-06-01T00:00:00Z";

async function run(
  argv: string[],
  findCredential?: (title: string) => Promise<GoalCredential | null>,
) {
  let stdout = "";
  let stderr = "";
  const code = await verifyCommand(argv, {
    ...(findCredential ? { findCredential } : {}),
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
  });
  return { code, stdout, stderr, json: stdout ? JSON.parse(stdout) : null };
}

describe("stackup verify", () => {
  it.each([
    [[]],
    [["a.json", "b.json"]],
    [["a.json", "--bogus"]],
    [["a.json", "--email"]],
    [["a.json", "--now", "not-a-time"]],
    [["a.json", "--map", "no-equals-sign"]],
    [["a.json", "--map", "ftp://x/=dir"]],
  ])("exits 2 on a usage error: %j", async (argv) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("usage: stackup verify");
  });

  it("exits 2 when the file cannot be read", async () => {
    const r = await run([join(tmpdir(), "no-such-badge.json")]);
    expect(r.code).toBe(2);
  });

  it("prints exactly one JSON object with the documented fields for a valid file", async () => {
    // the issuer's address maps to an empty folder: nothing is fetched, nothing publishes the key
    const empty = mkdtempSync(join(tmpdir(), "verify-map-"));
    const r = await run([
      `${ROOT}ob30/simple.json`,
      "--now",
      NOW,
      "--map",
      `https://example.com/=${empty}`,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(Object.keys(r.json)).toEqual([
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
    expect(r.json.matchesCredential).toBeNull();
    expect(r.json.verdict).toBe("valid");
    // conformant, but its key is only written into the key's name: not trusted
    expect(r.json.trusted).toBe(false);
    expect(r.json.issuerDomain).toBeNull();
    expect(r.json.trustReasons.map((x: { code: string }) => x.code)).toEqual(["key.unbound"]);
    expect(r.json.name).toBe("Teamwork");
    expect(r.json.issuer).toEqual({
      id: "https://example.com/issuers/876543",
      name: "Example Corp",
      url: null,
    });
    expect(r.json.recipientMatch).toBe("not_checkable");
    for (const reason of r.json.reasons) expect(Object.keys(reason)).toEqual(["code", "message"]);
  });

  it("exits 1 for an invalid credential", async () => {
    const r = await run([`${ROOT}ob30/simple-err-type.json`, "--now", NOW]);
    expect(r.code).toBe(1);
    expect(r.json.verdict).toBe("invalid");
    expect(r.json.reasons.map((x: { code: string }) => x.code)).toContain("type.invalid");
  });

  it("serves a mapped folder, checks --email and honours --now", async () => {
    const args = [
      "https://example.org/robotics-badge.json#ignored-fragment",
      "--map",
      `https://example.org/=${ASSETS}`,
      "--now",
      NOW,
    ];
    const r = await run(args);
    expect(r.code).toBe(0);
    expect(r.json.name).toBe("Awesome Robotics Badge");
    expect(r.json.issuer.name).toBe("An Example Badge Issuer");
  });

  it("matches the recipient case-insensitively and rejects someone else", async () => {
    const file = `${ROOT}ob20/basic-assertion.json`;
    const map = ["--map", `https://example.org/=${ASSETS}`, "--now", NOW];
    const mine = await run([file, ...map, "--email", "Nobody@Example.org"]);
    expect(mine.code).toBe(0);
    expect(mine.json.recipientMatch).toBe(true);
    const other = await run([file, ...map, "--email=someone@example.org"]);
    expect(other.code).toBe(1);
    expect(other.json.recipientMatch).toBe(false);
  });

  it("--credential prints whether the badge certifies that catalog credential", async () => {
    // an honest hosted badge: assertion, badge class and issuer all at the issuer's origin
    const dir = mkdtempSync(join(tmpdir(), "verify-credential-"));
    const base = "https://academy.example";
    const write = (name: string, doc: unknown) =>
      writeFileSync(join(dir, name), JSON.stringify(doc));
    write("issuer.json", ob2Issuer(`${base}/issuer.json`, "Academy"));
    write(
      "badge.json",
      ob2Badge(`${base}/badge.json`, `${base}/issuer.json`, "Data Analysis with Python"),
    );
    write(
      "assertion.json",
      ob2Assertion(`${base}/assertion.json`, `${base}/badge.json`, { type: "hosted" }),
    );
    const args = [
      `${base}/assertion.json`,
      "--map",
      `${base}/=${dir}`,
      "--now",
      "2026-06-01T00:00:00Z",
      "--email",
      EMAIL,
    ];
    const catalog = async (title: string): Promise<GoalCredential | null> =>
      title === "data analysis with python"
        ? {
            goalTitle: title,
            credentialTitle: "Data Analysis with Python",
            provider: "Academy",
            issuerDomains: ["academy.example"],
          }
        : title === "Coursera's"
          ? {
              goalTitle: title,
              credentialTitle: "Data Analysis with Python",
              provider: "Coursera",
              issuerDomains: ["coursera.org"],
            }
          : null;
    const mine = await run([...args, "--credential", "data analysis with python"], catalog);
    expect(mine.json).toMatchObject({
      trusted: true,
      issuerDomain: "academy.example",
      recipientMatch: true,
      matchesCredential: true,
    });
    // the right name, but not from a domain that provider issues from
    expect(
      (await run([...args, "--credential", "Coursera's"], catalog)).json.matchesCredential,
    ).toBe(false);
    const unknown = await run([...args, "--credential", "Nothing like it"], catalog);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('the catalog has no credential titled "Nothing like it"');
  });

  it("uses --now for expiry", async () => {
    const file = `${ROOT}ob20/basic-assertion-expired.json`;
    const map = ["--map", `https://example.org/=${ASSETS}`];
    expect((await run([file, ...map, "--now", NOW])).code).toBe(1);
    const before = await run([file, ...map, "--now", "2020-01-01T00:00:00Z"]);
    expect(before.code).toBe(0);
    expect(before.json.expires).toBe("2022-11-15T23:59:59.000Z");
  });

  it("lets the longest prefix win and maps a whole URL to a file", async () => {
    const empty = mkdtempSync(join(tmpdir(), "verify-map-"));
    const badge = "https://example.org/robotics-badge.json";
    // the short prefix points at an empty folder; only the longer whole-URL mapping can serve the badge
    const r = await run([
      badge,
      "--map",
      `https://example.org/=${empty}`,
      "--map",
      `${badge}=${ASSETS}robotics-badge.json`,
      "--map",
      `https://example.org/organization.json=${ASSETS}organization.json`,
      "--now",
      NOW,
    ]);
    expect(r.json.name).toBe("Awesome Robotics Badge");
    expect(r.json.issuer.name).toBe("An Example Badge Issuer");
    expect(r.code).toBe(0);
  });

  it("treats a URL outside every map as unreachable in offline mode", async () => {
    const dir = mkdtempSync(join(tmpdir(), "verify-map-"));
    writeFileSync(join(dir, "x.json"), "{}");
    const r = await run([
      "https://unmapped.invalid/badge.json",
      "--map",
      `https://example.org/=${dir}`,
    ]);
    expect(r.code).toBe(1);
    expect(r.json.reasons[0].code).toBe("fetch.failed");
    expect(r.json.reasons[0].message).toContain("not available offline");
  });
});
