import type { CompletionRecord } from "../../src/domain/verification/repository.ts";

/** A verified completion as the badge checks load it, with `over` changed. */
export function completionRecord(over: Partial<CompletionRecord> = {}): CompletionRecord {
  return {
    completionId: 1,
    goalId: 1,
    goalTitle: "My goal",
    provider: "Catalog Provider",
    userId: 1,
    email: "a@example.test",
    timeZone: "UTC",
    evidenceUrl: "https://badges.example.test/a",
    status: "verified",
    verdict: "valid",
    rawCredential: null,
    achievementName: "Badge Name",
    issuerName: "Badge Issuer",
    issuedOn: new Date("2025-12-01T00:00:00Z"),
    expiresAt: new Date("2027-03-01T00:00:00Z"),
    completedAt: new Date("2026-01-10T00:00:00Z"),
    checkedAt: null,
    revokedAt: null,
    credentialTitle: null,
    issuerDomains: null,
    trusted: true,
    issuerDomain: "badges.example.test",
    matchesCredential: true,
    badgeConfirmedAt: null,
    ...over,
  };
}
