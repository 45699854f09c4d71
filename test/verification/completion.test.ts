import { describe, expect, it } from "vitest";
import { renderMessage as renderSlack } from "../../adapters/slack/blocks.ts";
import { renderCard } from "../../adapters/teams/cards.ts";
import {
  decideCompletion,
  type GoalCredential,
  namesMatch,
} from "../../src/domain/verification/completion.ts";
import type { VerificationResult } from "../../src/domain/verification/index.ts";
import { verificationResultMessage } from "../../src/messages/verification.ts";

const catalog: GoalCredential = {
  goalTitle: "Google Project Management Certificate",
  credentialTitle: "Google Project Management Certificate",
  provider: "Google Career Certificates",
  issuerDomains: ["google.com", "credly.com"],
};

function badge(extra: Partial<VerificationResult> = {}): VerificationResult {
  return {
    verdict: "valid",
    reasons: [],
    kind: "ob2",
    issuer: { id: "https://api.credly.com/v1/obi/v2/issuers/g", name: "Google", url: null },
    name: "Google Project Management: Professional Certificate",
    issuedOn: null,
    expires: null,
    recipientMatch: true,
    evidenceUrl: null,
    credentialUrl: null,
    raw: null,
    trust: { trusted: true, issuerDomain: "api.credly.com", reasons: [] },
    ...extra,
  };
}

describe("✓ on a completion", () => {
  it("is given for a trusted badge, issued to this person, for the goal's catalog credential", () => {
    const d = decideCompletion(badge(), catalog);
    expect(d).toEqual({
      verified: true,
      recipientMatch: true,
      recipientBy: "email",
      matchesCredential: true,
      problem: null,
    });
  });

  it("is refused for another credential, saying which badge it is and what to do", () => {
    const teamwork = badge({
      name: "Teamwork",
      trust: { trusted: true, issuerDomain: "example.com", reasons: [] },
    });
    const d = decideCompletion(teamwork, catalog);
    expect(d.verified).toBe(false);
    expect(d.matchesCredential).toBe(false);
    expect(d.problem?.text).toBe(
      'this badge is for "Teamwork" from example.com, not for "Google Project Management Certificate" from Google Career Certificates',
    );
    expect(d.problem?.nextStep).toContain("record it as its own achievement");
  });

  it("is refused for the right name from a domain the provider does not issue from", () => {
    const d = decideCompletion(
      badge({ trust: { trusted: true, issuerDomain: "badges.example.net", reasons: [] } }),
      catalog,
    );
    expect(d.matchesCredential).toBe(false);
    expect(d.problem?.code).toBe("other_credential");
  });

  it("is refused when nothing in the badge names this person", () => {
    const d = decideCompletion(badge({ recipientMatch: "not_checkable" }), catalog);
    expect(d.problem?.text).toBe("nothing in this badge says it was issued to you");
    expect(d.problem?.nextStep).toContain("your own Credly profile");
  });

  it("is refused for someone else's badge", () => {
    expect(decideCompletion(badge({ recipientMatch: false }), catalog).problem?.code).toBe(
      "recipient_other",
    );
  });

  it("is refused for an untrusted badge, with the trust reason", () => {
    const d = decideCompletion(
      badge({
        trust: {
          trusted: false,
          issuerDomain: null,
          reasons: [
            { code: "key.unbound", message: "The key is not the issuer's.", severity: "error" },
          ],
        },
      }),
      catalog,
    );
    expect(d.problem?.code).toBe("not_trusted");
    expect(d.problem?.text).toContain("The key is not the issuer's.");
  });

  it("waits for the person's word on a free-text goal, then gives it", () => {
    const free = { ...catalog, goalTitle: "Get better at projects", credentialTitle: null };
    const d = decideCompletion(badge(), free);
    expect(d.matchesCredential).toBe("needs_confirmation");
    expect(d.verified).toBe(false);
    expect(d.problem?.nextStep).toContain('"confirm Get better at projects"');
    expect(decideCompletion(badge(), { ...free, confirmed: true }).verified).toBe(true);
  });

  it("matches names by their distinctive words", () => {
    expect(namesMatch("Google Data Analytics Certificate", "Google Data Analytics")).toBe(true);
    expect(namesMatch("Google Data", "Google Data Analytics")).toBe(false);
    expect(namesMatch("AI Fundamentals", "AI Fundamentals")).toBe(true);
  });
});

describe("the DM asking to confirm a badge for a free-text goal", () => {
  const free = { ...catalog, goalTitle: "Ship *it* `now`", credentialTitle: null };
  const record = {
    goalTitle: free.goalTitle,
    email: "a@example.test",
    timeZone: "UTC",
    evidenceUrl: null,
  };
  const message = () => {
    const result = badge();
    const decision = decideCompletion(result, free);
    return verificationResultMessage(record, result, "unverified", decision);
  };

  it("names the confirm command as each platform types it, escaped", () => {
    const slack = JSON.stringify(renderSlack(message()).blocks);
    // a code span Slack shows as the command to type; the goal's backticks cannot end it early
    expect(slack).toContain("confirm it once with `/learn confirm Ship *it* ˋnowˋ`, and it shows");
    const teams = JSON.stringify(renderCard(message()).body);
    expect(teams).toContain(
      "confirm it once with learn confirm Ship \\\\*it\\\\* \\\\`now\\\\`, and it shows",
    );
  });

  it("keeps the notification text free of commands, which it can't render", () => {
    expect(message().summary).toBe("Not verified: Ship *it* `now`");
    expect(renderSlack(message()).text).not.toContain("/learn");
  });
});
