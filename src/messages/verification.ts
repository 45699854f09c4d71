import { DateTime } from "luxon";
import type { VerificationStatus } from "../db/types.ts";
import type { VerificationWording } from "../domain/verification/checks.ts";
import type { CompletionDecision, Problem } from "../domain/verification/completion.ts";
import type { CompletionRecord } from "../domain/verification/repository.ts";
import {
  provenIssuer,
  showcaseCredential,
  shownLabel,
  shownOf,
  shownVerified,
} from "../domain/verification/service.ts";
import { linkedInAddToProfileUrl, resumeLine } from "../domain/verification/showcase.ts";
import type { VerificationResult } from "../domain/verification/types.ts";
import type { Block, Field, Inline, Message } from "./model.ts";

function day(value: string | Date, timeZone: string): string {
  const d =
    typeof value === "string"
      ? DateTime.fromISO(value, { zone: timeZone })
      : DateTime.fromJSDate(value, { zone: timeZone });
  return d.isValid ? d.toFormat("d LLLL yyyy") : String(value);
}

const bullets = (lines: string[]): Inline[] => [lines.map((l) => `• ${l}`).join("\n")];

function recipientLine(
  result: VerificationResult,
  email: string | null,
  decision: CompletionDecision | null,
): string {
  if (decision?.recipientBy === "credly") return "Earned on your own Credly profile";
  if (result.recipientMatch === true) return "Awarded to your email address";
  if (result.recipientMatch === false) {
    return email
      ? `Awarded to someone else, not ${email}`
      : "Awarded to someone else, not to your email address";
  }
  return "Not checkable: the badge names no recipient I can compare with your email";
}

/**
 * "Next step: …". A command is a command reference, which each platform spells as its people type
 * it (`/learn confirm …` on Slack, `learn confirm …` on Teams); the summary never carries one.
 */
function nextStepText(problem: Pick<Problem, "nextStep" | "command">): Inline[] {
  const c = problem.command;
  if (!c) return [`Next step: ${problem.nextStep}.`];
  return ["Next step: ", c.before, { command: c.command }, `${c.after}.`];
}

/** The result of checking a badge, in plain words: what was checked and what failed. */
export function verificationResultMessage(
  record: Pick<CompletionRecord, "goalTitle" | "email" | "timeZone" | "evidenceUrl">,
  result: VerificationResult,
  status: VerificationStatus,
  decision: CompletionDecision | null = null,
): Message {
  const name = result.name ?? record.goalTitle;
  // the proven domain, never the name the badge gives itself
  const issuer = result.trust.issuerDomain ?? undefined;
  const { summary, blocks } = outcome(record.goalTitle, name, issuer, result, status, decision);
  if (result.kind === "ob2" || result.kind === "ob3") {
    blocks.push(...checkedBlocks(record, result, issuer, decision));
  }
  blocks.push(...reasonBlocks(result));
  const footer: Inline[] = record.evidenceUrl
    ? ["Checked ", { link: record.evidenceUrl, text: record.evidenceUrl }]
    : [];
  if (status === "verified" || status === "warning") {
    const profile = linkedInAddToProfileUrl({
      name,
      issuerName: issuer ?? null,
      issuedOn: result.issuedOn,
      expires: result.expires,
      url: record.evidenceUrl,
    });
    footer.push(footer.length ? " · " : "", { link: profile, text: "Add to LinkedIn profile" });
  }
  if (footer.length > 0) blocks.push({ type: "context", text: footer });
  return { summary, blocks };
}

/** The summary and the first lines: what became of the badge. */
function outcome(
  goalTitle: string,
  name: string,
  issuer: string | undefined,
  result: VerificationResult,
  status: VerificationStatus,
  decision: CompletionDecision | null,
): { summary: string; blocks: Block[] } {
  const what: Inline[] = [{ bold: name }, issuer ? ` · issued by ${issuer}` : ""];
  const problem = decision?.problem;
  const text = (summary: string, line: Inline[]): { summary: string; blocks: Block[] } => ({
    summary,
    blocks: [{ type: "text", text: line }],
  });
  if (problem && status === "unverified" && result.verdict !== "invalid") {
    return {
      summary: `Not verified: ${goalTitle}`,
      blocks: [
        {
          type: "text",
          text: [
            "I checked the badge for ",
            { bold: goalTitle },
            `, but it can't show as verified: ${problem.text}. Your completion stays, marked unverified.`,
          ],
        },
        { type: "context", text: nextStepText(problem) },
      ],
    };
  }
  switch (status) {
    case "verified":
      return text(`Verified: ${name}`, ["✓ Verified — ", ...what, ". It shows as verified now."]);
    case "warning":
      return text(`Verified with a note: ${name}`, [
        "✓ Verified, with a note — ",
        ...what,
        ". It shows as verified now.",
      ]);
    case "link_only":
      return text(`Saved as a link: ${goalTitle}`, [
        "I saved the link for ",
        { bold: goalTitle },
        ". It is a web page, not an Open Badge, so it can't be checked cryptographically; it shows as link only.",
      ]);
    case "invalid":
      return text(`Could not verify: ${goalTitle}`, [
        "✗ I couldn't verify the badge for ",
        { bold: goalTitle },
        ". It stays unverified.",
      ]);
    default:
      return text(`Could not check: ${goalTitle}`, [
        "I couldn't check the badge for ",
        { bold: goalTitle },
        ": its link could not be loaded. It stays unverified; send the link again to retry.",
      ]);
  }
}

/** What was checked of an Open Badge: issuer, name, dates and recipient. */
function checkedBlocks(
  record: Pick<CompletionRecord, "email" | "timeZone">,
  result: VerificationResult,
  issuer: string | undefined,
  decision: CompletionDecision | null,
): Block[] {
  const fields: Field[] = [];
  fields.push({
    label: "Issuer",
    value: [
      issuer
        ? `${issuer} (proven)`
        : `not proven${result.issuer?.name ? ` (the badge says "${result.issuer.name}")` : ""}`,
    ],
  });
  if (result.name) fields.push({ label: "Badge", value: [result.name] });
  if (result.issuedOn)
    fields.push({ label: "Issued", value: [day(result.issuedOn, record.timeZone)] });
  fields.push({
    label: "Expires",
    value: [result.expires ? day(result.expires, record.timeZone) : "Never"],
  });
  fields.push({ label: "Recipient", value: [recipientLine(result, record.email, decision)] });
  return [
    { type: "text", text: [{ bold: "What I checked" }] },
    { type: "fields", fields },
  ];
}

/** What failed, and what is worth knowing, as lists. */
function reasonBlocks(result: VerificationResult): Block[] {
  const blocks: Block[] = [];
  const failed = result.reasons.filter((r) => r.severity === "error").map((r) => r.message);
  if (failed.length > 0) {
    blocks.push({ type: "text", text: [{ bold: "What failed" }] });
    blocks.push({ type: "text", text: bullets(failed) });
  }
  const notes = result.reasons
    .filter((r) => r.severity === "warning" && r.code !== "link_only")
    .map((r) => r.message);
  if (notes.length > 0) {
    blocks.push({ type: "text", text: [{ bold: "Worth knowing" }] });
    blocks.push({ type: "text", text: bullets(notes) });
  }
  return blocks;
}

/** Tells the owner, kindly and once, why a completion checked again under the trust rules lost its ✓. */
export function trustWithdrawnMessage(
  record: CompletionRecord,
  result: VerificationResult,
  decision: CompletionDecision,
): Message {
  const problem = decision.problem ?? {
    text: "the badge no longer passes its checks",
    nextStep: "share the badge link again from your own Credly profile or the issuer's site",
  };
  const failed = result.reasons.find((r) => r.severity === "error")?.message;
  return {
    summary: `${record.goalTitle} no longer shows as verified`,
    blocks: [
      {
        type: "text",
        text: [
          "A note about ",
          { bold: record.goalTitle },
          ": Stackup now checks more carefully that a badge really comes from its issuer, was issued to you and is for the goal it completes. ",
          `This one doesn't pass: ${problem.text}${failed && result.verdict === "invalid" ? ` (${failed})` : ""}. `,
          "So it no longer shows as verified. Nothing else changes: your completion and your progress stay.",
        ],
      },
      { type: "context", text: nextStepText(problem) },
    ],
  };
}

/** A shared badge file was lost before it could be checked (a restart): ask for it again. */
export function badgeLostMessage(record: Pick<CompletionRecord, "goalTitle">): Message {
  return {
    summary: `Please share your badge again: ${record.goalTitle}`,
    blocks: [
      {
        type: "text",
        text: [
          "I couldn't finish checking the badge you shared for ",
          { bold: record.goalTitle },
          ": the file was lost when Stackup restarted. It stays unverified for now.",
        ],
      },
      { type: "context", text: ["Share the badge file (or its link) again and I'll check it."] },
    ],
  };
}

/** A reminder that a verified credential expires soon. */
export function expiryReminderMessage(record: CompletionRecord, daysLeft: number): Message {
  const name = record.achievementName ?? record.goalTitle;
  const when = record.expiresAt ? day(record.expiresAt, record.timeZone) : "soon";
  const inDays = daysLeft <= 1 ? "in a day" : `in ${daysLeft} days`;
  const text: Inline[] = [
    "⏳ Your credential ",
    { bold: name },
    provenIssuer(record) ? ` from ${provenIssuer(record)}` : "",
    ` expires ${inDays}, on ${when}.`,
  ];
  return {
    summary: `${name} expires ${inDays}`,
    blocks: [
      { type: "text", text },
      {
        type: "context",
        text: ["Renew it with the issuer, then share the new badge link to keep it verified."],
      },
    ],
  };
}

/** Tells the owner that the issuer withdrew a credential that was verified. */
export function revokedMessage(record: CompletionRecord, result: VerificationResult): Message {
  const name = record.achievementName ?? record.goalTitle;
  const why = result.reasons.find((r) => r.code === "revoked")?.message;
  return {
    summary: `${name} was revoked`,
    blocks: [
      {
        type: "text",
        text: [
          "⚠️ The issuer has revoked your credential ",
          { bold: name },
          provenIssuer(record) ? ` from ${provenIssuer(record)}` : "",
          ". It no longer shows as verified.",
        ],
      },
      ...(why ? [{ type: "context" as const, text: [why] }] : []),
      {
        type: "context",
        text: [
          "If this is a mistake, contact the issuer; once it is restored, share the link again.",
        ],
      },
    ],
  };
}

/** `/learn showcase`: each completed credential with a LinkedIn link and a résumé line. */
export function showcaseMessage(records: CompletionRecord[]): Message {
  if (records.length === 0) {
    return {
      summary: "No completed credentials yet.",
      blocks: [
        { type: "text", text: ["You haven't completed a credential yet."] },
        {
          type: "context",
          text: [
            "When you finish one, use ",
            { command: "done <goal> <badge URL>" },
            " and it will show up here, verified.",
          ],
        },
      ],
    };
  }
  const blocks: Block[] = [{ type: "header", text: "Your credentials" }];
  records.forEach((record, i) => {
    if (i > 0) blocks.push({ type: "divider" });
    const credential = showcaseCredential(record);
    const revoked = record.revokedAt !== null;
    blocks.push({
      type: "text",
      text: [
        { bold: credential.name },
        credential.issuerName ? ` — ${credential.issuerName}` : "",
        // An LMS's report is shown as such, never as a checked badge.
        record.reportedBy && !record.evidenceUrl
          ? ` · reported by ${record.reportedBy}`
          : ` · ${shownLabel(shownOf(record))}`,
      ],
    });
    blocks.push({ type: "context", text: [resumeLine(credential)] });
    // a withdrawn credential is not offered for a profile
    if (!revoked) {
      blocks.push({
        type: "context",
        text: [{ link: linkedInAddToProfileUrl(credential), text: "Add to LinkedIn profile" }],
      });
    }
  });
  const verified = records.filter((r) => shownVerified(shownOf(r))).length;
  return {
    summary: `${records.length} credential${records.length === 1 ? "" : "s"}, ${verified} verified`,
    blocks,
  };
}

/** What the badge checks send, for the verification jobs. */
export const verificationWording: VerificationWording = {
  result: verificationResultMessage,
  expiryReminder: expiryReminderMessage,
  revoked: revokedMessage,
  trustWithdrawn: trustWithdrawnMessage,
  badgeLost: badgeLostMessage,
};
