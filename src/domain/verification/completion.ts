import { REASON_CODES } from "./reasons.ts";
import { withinDomain } from "./trust.ts";
import type { VerificationResult } from "./types.ts";

/** What a completion's goal says the badge must certify. */
export interface GoalCredential {
  goalTitle: string;
  /** The catalog credential's title; null for a free-text goal. */
  credentialTitle: string | null;
  provider: string | null;
  /** Domains the catalog provider issues from. */
  issuerDomains: readonly string[];
  /** The person confirmed once that this badge is what their free-text goal was about. */
  confirmed?: boolean;
}

/** true, false, or — for a free-text goal — waiting for the person to say it is the same thing. */
export type CredentialMatch = boolean | "needs_confirmation";

export type ProblemCode =
  | "not_checkable"
  | "not_trusted"
  | "recipient_other"
  | "recipient_unknown"
  | "other_credential"
  | "confirm";

export interface Problem {
  code: ProblemCode;
  text: string;
  /** The next step as plain text, a command written out as the person types it without the word. */
  nextStep: string;
  /** When the next step is a command: the words around it, so a message can name it as one. */
  command?: { before: string; command: string; after: string };
  /** The facts the words name, for a message in the person's language. */
  facts?: { why?: string; goal?: string; credential?: string; provider?: string | null };
}

export interface CompletionDecision {
  /** ✓: trusted, this person's, and for this goal's credential. */
  verified: boolean;
  recipientMatch: boolean | "not_checkable";
  /** What showed the badge is this person's: their email address, or their own Credly profile. */
  recipientBy: "email" | "credly" | null;
  matchesCredential: CredentialMatch;
  /** The first thing that failed, in plain words, with the useful next step; null when verified. */
  problem: Problem | null;
}

// Words that say what kind of thing a credential is, not which one.
const GENERIC = new Set([
  "a",
  "an",
  "the",
  "of",
  "and",
  "for",
  "in",
  "to",
  "with",
  "on",
  "certificate",
  "certification",
  "certified",
  "professional",
  "course",
  "specialization",
  "badge",
  "program",
]);

function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !GENERIC.has(w));
}

/** True when every distinctive word of the catalog title is in the badge's name. */
export function namesMatch(badgeName: string, credentialTitle: string): boolean {
  const want = words(credentialTitle);
  const have = new Set(words(badgeName));
  if (want.length === 0)
    return badgeName.trim().toLowerCase() === credentialTitle.trim().toLowerCase();
  return want.every((w) => have.has(w));
}

/**
 * Whether the badge certifies the goal's credential: for a catalog credential, its name and its
 * proven issuer domain (one the provider issues from); for a free-text goal, the person's word.
 */
export function matchesCredential(
  result: Pick<VerificationResult, "name" | "trust">,
  goal: GoalCredential,
): CredentialMatch {
  if (goal.credentialTitle === null) return goal.confirmed ? true : "needs_confirmation";
  const domain = result.trust.issuerDomain;
  if (!result.name || !domain) return false;
  return (
    namesMatch(result.name, goal.credentialTitle) &&
    goal.issuerDomains.some((d) => withinDomain(domain, d))
  );
}

function badgeWords(result: Pick<VerificationResult, "name" | "issuer" | "trust">): string {
  const from = result.trust.issuerDomain ?? result.issuer?.name ?? "an unknown issuer";
  return `"${result.name ?? "an unnamed badge"}" from ${from}`;
}

/** The decision behind ✓ on a completion, and what to tell the person when it is not given. */
export function decideCompletion(
  result: Pick<
    VerificationResult,
    "verdict" | "kind" | "name" | "issuer" | "recipientMatch" | "trust" | "reasons"
  >,
  goal: GoalCredential,
): CompletionDecision {
  const recipientMatch = result.recipientMatch;
  const byCredly = result.reasons.some((r) => r.code === REASON_CODES.recipientCredlyEarner);
  const match = matchesCredential(result, goal);
  const decision = (problem: CompletionDecision["problem"]): CompletionDecision => ({
    verified: problem === null,
    recipientMatch,
    recipientBy: recipientMatch !== true ? null : byCredly ? "credly" : "email",
    matchesCredential: match,
    problem,
  });
  if (result.kind !== "ob2" && result.kind !== "ob3") {
    return decision({
      code: "not_checkable",
      text: "this is not an Open Badge I can check",
      nextStep: "share the badge link or badge file from the issuer or your Credly profile",
    });
  }
  if (!result.trust.trusted) {
    const why = result.trust.reasons[0]?.message ?? "nothing ties it to its issuer";
    return decision({
      code: "not_trusted",
      text: `I can't tell that its issuer really issued this badge: ${why}`,
      nextStep: "try the badge link from your own Credly profile or from the issuer's site",
      ...(result.trust.reasons[0] ? { facts: { why: result.trust.reasons[0].message } } : {}),
    });
  }
  if (recipientMatch === false) {
    return decision({
      code: "recipient_other",
      text: "this badge was issued to someone else, not to your email address",
      nextStep:
        "if it was issued to another address of yours, connect your own Credly profile (its badges must show your name) and try the badge link from it",
    });
  }
  if (recipientMatch !== true) {
    return decision({
      code: "recipient_unknown",
      text: "nothing in this badge says it was issued to you",
      nextStep: "try the badge link from your own Credly profile, which names you as its earner",
    });
  }
  if (match === "needs_confirmation") {
    const command = {
      before: "if it is, confirm it once with ",
      command: `confirm ${goal.goalTitle}`,
      after: ", and it shows as verified under the badge's own name",
    };
    return decision({
      code: "confirm",
      text: `this badge is ${badgeWords(result)}; I can't tell by myself that it is what "${goal.goalTitle}" was about`,
      nextStep: `${command.before}the command "${command.command}"${command.after}`,
      command,
      facts: { goal: goal.goalTitle },
    });
  }
  if (!match) {
    return decision({
      code: "other_credential",
      text: `this badge is for ${badgeWords(result)}, not for "${goal.credentialTitle ?? goal.goalTitle}"${goal.provider ? ` from ${goal.provider}` : ""}`,
      nextStep:
        "record it as its own achievement (set it as a goal and mark it done with this link)",
      facts: {
        credential: goal.credentialTitle ?? goal.goalTitle,
        provider: goal.provider ?? null,
      },
    });
  }
  return decision(null);
}
