import { describe, expect, it } from "vitest";
import {
  isRevoked,
  isTransientFailure,
  showcaseCredential,
  shownState,
  statusOf,
} from "../../src/domain/verification/service.ts";
import type {
  CredentialKind,
  Reason,
  Severity,
  Verdict,
} from "../../src/domain/verification/types.ts";
import { completionRecord } from "../support/completion-record.ts";

const reason = (code: string, severity: Severity = "error"): Reason => ({
  code,
  severity,
  message: code,
});
const result = (verdict: Verdict, kind: CredentialKind, ...reasons: Reason[]) => ({
  verdict,
  kind,
  reasons,
});

describe("verification status", () => {
  it.each([
    ["a valid badge", result("valid", "ob2"), "verified"],
    ["a badge with warnings", result("warning", "ob3", reason("x", "warning")), "warning"],
    ["an HTML page", result("warning", "link_only", reason("link_only", "warning")), "link_only"],
    ["an unreachable link", result("invalid", "unknown", reason("fetch.failed")), "unverified"],
    ["a refused address", result("invalid", "unknown", reason("fetch.refused")), "unverified"],
    ["a revoked badge", result("invalid", "unknown", reason("revoked")), "invalid"],
    ["a badge of someone else", result("invalid", "ob2", reason("recipient.mismatch")), "invalid"],
    [
      "a missing badge class next to a real failure",
      result("invalid", "ob2", reason("fetch.failed"), reason("type.invalid")),
      "invalid",
    ],
    ["JSON that is no badge", result("invalid", "unknown", reason("input.unsupported")), "invalid"],
  ] as const)("maps %s to %s", (_, r, status) => {
    expect(statusOf({ ...r, reasons: [...r.reasons] })).toBe(status);
  });

  it("retries only what failed to load, and spots revocation", () => {
    expect(isTransientFailure({ reasons: [reason("fetch.failed")] })).toBe(true);
    expect(isTransientFailure({ reasons: [reason("fetch.refused")] })).toBe(false);
    expect(isTransientFailure({ reasons: [reason("fetch.failed"), reason("revoked")] })).toBe(
      false,
    );
    expect(isTransientFailure({ reasons: [] })).toBe(false);
    expect(isRevoked({ reasons: [reason("revoked")] })).toBe(true);
    expect(isRevoked({ reasons: [reason("time.expired")] })).toBe(false);
  });

  it("names the state people see of a completion, leaving the words to the messages", () => {
    const c = { status: "verified", revoked: false, trusted: true, issuerDomain: null } as const;
    expect(shownState(c)).toBe("verified");
    expect(shownState({ ...c, status: "warning", issuerDomain: "coursera.org" })).toBe(
      "verifiedBy",
    );
    expect(shownState({ ...c, revoked: true })).toBe("revoked");
    expect(shownState({ ...c, trusted: null })).toBe("rechecking");
    expect(shownState({ ...c, status: "unverified", anonymous: true })).toBe("anonymous");
    expect(shownState({ ...c, status: "link_only" })).toBe("link_only");
    expect(shownState({ ...c, status: "pending" })).toBe("pending");
    expect(shownState({ ...c, status: "invalid" })).toBe("unverified");
  });
});

describe("showcase facts", () => {
  const record = completionRecord({ badgeConfirmedAt: new Date("2026-01-10T00:00:00Z") });

  it("uses a verified credential's own name, proven issuer domain and dates, never the name it gives itself", () => {
    expect(showcaseCredential(record)).toEqual({
      name: "Badge Name",
      issuerName: "badges.example.test",
      issuedOn: "2025-12-01T00:00:00.000Z",
      expires: "2027-03-01T00:00:00.000Z",
      url: "https://badges.example.test/a",
      id: null,
    });
  });

  it("names the catalog provider when the badge matched the goal's catalog credential", () => {
    const matched = { ...record, credentialTitle: "Badge Name", badgeConfirmedAt: null };
    expect(showcaseCredential(matched).issuerName).toBe("Catalog Provider");
  });

  it("trusts nothing an invalid badge claims and does not pass its link on", () => {
    expect(showcaseCredential({ ...record, status: "invalid", verdict: "invalid" })).toEqual({
      name: "My goal",
      issuerName: "Catalog Provider",
      issuedOn: "2026-01-10T00:00:00.000Z",
      expires: null,
      url: null,
      id: null,
    });
  });

  it("keeps a link-only certificate's link but none of the stored claims", () => {
    expect(showcaseCredential({ ...record, status: "link_only" })).toMatchObject({
      name: "My goal",
      url: "https://badges.example.test/a",
      expires: null,
    });
  });
});
