import type { VerificationStatus } from "../db/types.ts";
import type { VerificationWording } from "../domain/verification/checks.ts";
import type { CompletionDecision, Problem } from "../domain/verification/completion.ts";
import { reasonKey } from "../domain/verification/reasons.ts";
import type { CompletionRecord } from "../domain/verification/repository.ts";
import {
  provenIssuer,
  showcaseCredential,
  shownOf,
  shownVerified,
} from "../domain/verification/service.ts";
import {
  linkedInAddToProfileUrl,
  type ShowcaseCredential,
} from "../domain/verification/showcase.ts";
import type { Reason, VerificationResult } from "../domain/verification/types.ts";
import { resolveLocale, type Translator, translator } from "../i18n/index.ts";
import type { Block, Field, Inline, Message } from "./model.ts";
import { shownVerificationLabel } from "./report.ts";

/** The owner's translator: their language, else their workspace's, else English. */
const speaker = (record: Pick<CompletionRecord, "locales">): Translator =>
  translator(resolveLocale(...(record.locales ?? [])));

const longDates = new Map<string, Intl.DateTimeFormat>();
/** A day in the person's zone and language ("20 October 2026"); the raw value if it is no date. */
function day(value: string | Date, timeZone: string, t: Translator): string {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return String(value);
  const key = `${t.locale} ${timeZone}`;
  let format = longDates.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(t.locale, {
      day: "numeric",
      month: "long",
      year: "numeric",
      timeZone,
    });
    if (longDates.size < 1000) longDates.set(key, format);
  }
  return format.format(at);
}

const bullets = (lines: string[]): Inline[] => [lines.map((l) => `• ${l}`).join("\n")];

function recipientLine(
  result: VerificationResult,
  email: string | null,
  decision: CompletionDecision | null,
  t: Translator,
): string {
  let by = "unknown";
  if (decision?.recipientBy === "credly") by = "credly";
  else if (result.recipientMatch === true) by = "match";
  else if (result.recipientMatch === false) by = email ? "other_email" : "other_person";
  return t.t("verify.recipient", { by, email: email ?? "" });
}

/** The badge as the problem names it: its name and who issued it, as far as is known. */
function problemValues(problem: Problem, result: VerificationResult, t: Translator) {
  const facts = problem.facts ?? {};
  // why it is not trusted, in the owner's words (trust reasons carry no dates, so no zone)
  const untrusted = problem.code === "not_trusted" ? result.trust.reasons[0] : undefined;
  return {
    code: problem.code,
    why: (untrusted && reasonText(untrusted, "UTC", t)) ?? facts.why ?? t.t("verify.noTie"),
    goal: facts.goal ?? "",
    credential: facts.credential ?? "",
    provider: facts.provider ?? "",
    hasProvider: facts.provider ? "yes" : "no",
    badge: result.name ?? t.t("verify.unnamedBadge"),
    from: result.trust.issuerDomain ?? result.issuer?.name ?? t.t("verify.unknownIssuer"),
  };
}

/**
 * "Next step: …". A command is a command reference, which each platform spells as its people type
 * it (`/learn confirm …` on Slack, `learn confirm …` on Teams); the summary never carries one.
 */
function nextStepText(problem: Problem | null, t: Translator): Inline[] {
  const code = problem?.code ?? "withdrawn";
  const command = { command: problem?.command?.command ?? "" };
  return t.rich("verify.next", { code, command });
}

/** The result of checking a badge, in plain words: what was checked and what failed. */
export function verificationResultMessage(
  record: Pick<CompletionRecord, "goalTitle" | "email" | "timeZone" | "evidenceUrl" | "locales">,
  result: VerificationResult,
  status: VerificationStatus,
  decision: CompletionDecision | null = null,
): Message {
  const t = speaker(record);
  const name = result.name ?? record.goalTitle;
  // the proven domain, never the name the badge gives itself
  const issuer = result.trust.issuerDomain ?? undefined;
  const { summary, blocks } = outcome(record.goalTitle, name, issuer, result, status, decision, t);
  if (result.kind === "ob2" || result.kind === "ob3") {
    blocks.push(...checkedBlocks(record, result, issuer, decision, t));
  }
  blocks.push(...reasonBlocks(result, record.timeZone, t));
  const footer: Inline[] = record.evidenceUrl
    ? t.rich("verify.checked", { link: { link: record.evidenceUrl, text: record.evidenceUrl } })
    : [];
  if (status === "verified" || status === "warning") {
    const profile = linkedInAddToProfileUrl({
      name,
      issuerName: issuer ?? null,
      issuedOn: result.issuedOn,
      expires: result.expires,
      url: record.evidenceUrl,
    });
    footer.push(footer.length ? " · " : "", { link: profile, text: t.t("verify.addToLinkedIn") });
  }
  if (footer.length > 0) blocks.push({ type: "context", text: footer });
  return { summary, blocks };
}

/** The summary and the first lines: what became of the badge. */
function outcome(
  title: string,
  name: string,
  issuer: string | undefined,
  result: VerificationResult,
  status: VerificationStatus,
  decision: CompletionDecision | null,
  t: Translator,
): { summary: string; blocks: Block[] } {
  const problem = decision?.problem;
  const said = (summary: string, line: Inline[]) => ({
    summary,
    blocks: [{ type: "text", text: line }] as Block[],
  });
  if (problem && status === "unverified" && result.verdict !== "invalid") {
    const why = t.t("verify.problem", problemValues(problem, result, t));
    return {
      summary: t.t("verify.notVerifiedSummary", { title }),
      blocks: [
        { type: "text", text: t.rich("verify.notVerified", { title, problem: why }) },
        { type: "context", text: nextStepText(problem, t) },
      ],
    };
  }
  switch (status) {
    case "verified":
    case "warning": {
      const values = { status, name, issuer: issuer ?? "", hasIssuer: issuer ? "yes" : "no" };
      return said(t.t("verify.verifiedSummary", values), t.rich("verify.verified", values));
    }
    case "link_only":
      return said(t.t("verify.linkOnlySummary", { title }), t.rich("verify.linkOnly", { title }));
    case "invalid":
      return said(t.t("verify.invalidSummary", { title }), t.rich("verify.invalid", { title }));
    default:
      return said(t.t("verify.uncheckedSummary", { title }), t.rich("verify.unchecked", { title }));
  }
}

/** What was checked of an Open Badge: issuer, name, dates and recipient. */
function checkedBlocks(
  record: Pick<CompletionRecord, "email" | "timeZone">,
  result: VerificationResult,
  issuer: string | undefined,
  decision: CompletionDecision | null,
  t: Translator,
): Block[] {
  const said = result.issuer?.name;
  const fields: Field[] = [];
  fields.push({
    label: t.t("verify.issuerLabel"),
    value: [
      issuer
        ? t.t("verify.issuerProven", { issuer })
        : t.t("verify.issuerNotProven", { name: said ?? "", hasName: said ? "yes" : "no" }),
    ],
  });
  if (result.name) fields.push({ label: t.t("verify.badgeLabel"), value: [result.name] });
  if (result.issuedOn)
    fields.push({
      label: t.t("verify.issuedLabel"),
      value: [day(result.issuedOn, record.timeZone, t)],
    });
  fields.push({
    label: t.t("verify.expiresLabel"),
    value: [result.expires ? day(result.expires, record.timeZone, t) : t.t("verify.never")],
  });
  fields.push({
    label: t.t("verify.recipientLabel"),
    value: [recipientLine(result, record.email, decision, t)],
  });
  return [
    { type: "text", text: t.rich("verify.whatChecked") },
    { type: "fields", fields },
  ];
}

/** A reason in the owner's language; one stored before reasons had a wording keeps its English. */
function reasonText(reason: Reason, timeZone: string, t: Translator): string {
  if (!reason.detail) return reason.message;
  const values = { ...reason.values };
  // a date the badge gives is shown as a day in the owner's language and zone
  if (typeof values.date === "string") values.date = day(values.date, timeZone, t);
  if (reason.cause) values.why = reasonText(reason.cause, timeZone, t);
  return t.lookup(reasonKey(reason.code, reason.detail), values) ?? reason.message;
}

/** What failed, and what is worth knowing, as lists; each reason is the check's own detail. */
function reasonBlocks(result: VerificationResult, timeZone: string, t: Translator): Block[] {
  const blocks: Block[] = [];
  const failed = result.reasons
    .filter((r) => r.severity === "error")
    .map((r) => reasonText(r, timeZone, t));
  if (failed.length > 0) {
    blocks.push({ type: "text", text: t.rich("verify.whatFailed") });
    blocks.push({ type: "text", text: bullets(failed) });
  }
  const notes = result.reasons
    .filter((r) => r.severity === "warning" && r.code !== "link_only")
    .map((r) => reasonText(r, timeZone, t));
  if (notes.length > 0) {
    blocks.push({ type: "text", text: t.rich("verify.worthKnowing") });
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
  const t = speaker(record);
  const problem = decision.problem;
  const why = problem
    ? t.t("verify.problem", problemValues(problem, result, t))
    : t.t("verify.problem", { code: "withdrawn" });
  const error = result.reasons.find((r) => r.severity === "error");
  const failed = error && reasonText(error, record.timeZone, t);
  const detail = failed && result.verdict === "invalid" ? ` (${failed})` : "";
  const title = record.goalTitle;
  return {
    summary: t.t("verify.withdrawnSummary", { title }),
    blocks: [
      { type: "text", text: t.rich("verify.withdrawn", { title, problem: `${why}${detail}` }) },
      { type: "context", text: nextStepText(problem, t) },
    ],
  };
}

/** A shared badge file was lost before it could be checked (a restart): ask for it again. */
export function badgeLostMessage(record: Pick<CompletionRecord, "goalTitle" | "locales">): Message {
  const t = speaker(record);
  const title = record.goalTitle;
  return {
    summary: t.t("verify.lostSummary", { title }),
    blocks: [
      { type: "text", text: t.rich("verify.lost", { title }) },
      { type: "context", text: t.rich("verify.lostHint") },
    ],
  };
}

/** "from coursera.org" when the issuer is proven. */
const issuerValues = (record: CompletionRecord) => {
  const issuer = provenIssuer(record);
  return { issuer: issuer ?? "", hasIssuer: issuer ? "yes" : "no" };
};

/** A reminder that a verified credential expires soon. */
export function expiryReminderMessage(record: CompletionRecord, daysLeft: number): Message {
  const t = speaker(record);
  const name = record.achievementName ?? record.goalTitle;
  const date = record.expiresAt ? day(record.expiresAt, record.timeZone, t) : t.t("verify.soon");
  const values = { name, days: Math.max(1, daysLeft), date, ...issuerValues(record) };
  return {
    summary: t.t("verify.expirySummary", values),
    blocks: [
      { type: "text", text: t.rich("verify.expiry", values) },
      { type: "context", text: t.rich("verify.expiryHint") },
    ],
  };
}

/** Tells the owner that the issuer withdrew a credential that was verified. */
export function revokedMessage(record: CompletionRecord, result: VerificationResult): Message {
  const t = speaker(record);
  const name = record.achievementName ?? record.goalTitle;
  const revoked = result.reasons.find((r) => r.code === "revoked");
  const why = revoked && reasonText(revoked, record.timeZone, t);
  return {
    summary: t.t("verify.revokedSummary", { name }),
    blocks: [
      { type: "text", text: t.rich("verify.revoked", { name, ...issuerValues(record) }) },
      ...(why ? [{ type: "context" as const, text: [why] }] : []),
      { type: "context", text: t.rich("verify.revokedHint") },
    ],
  };
}

/** A résumé-ready line: "Credential — Issuer, Month Year, verify at URL", in the locale. */
export function resumeLine(c: ShowcaseCredential, locale?: string): string {
  const t = translator(locale);
  const parts = [c.issuerName ? `${c.name} — ${c.issuerName}` : c.name];
  const issued = c.issuedOn ? new Date(c.issuedOn) : null;
  if (issued && !Number.isNaN(issued.getTime()))
    parts.push(
      new Intl.DateTimeFormat(t.locale, { month: "long", year: "numeric", timeZone: "UTC" }).format(
        issued,
      ),
    );
  if (c.url) parts.push(t.t("verify.verifyAt", { url: c.url }));
  return parts.join(t.t("verify.resumeGap"));
}

/** `/learn showcase`: each completed credential with a LinkedIn link and a résumé line. */
export function showcaseMessage(records: CompletionRecord[], locale?: string): Message {
  const t = translator(locale);
  if (records.length === 0) {
    return {
      summary: t.t("verify.showcaseNoneSummary"),
      blocks: [
        { type: "text", text: t.rich("verify.showcaseNone") },
        {
          type: "context",
          text: t.rich("verify.showcaseNoneHint", {
            command: { command: "done <goal> <badge URL>" },
          }),
        },
      ],
    };
  }
  const blocks: Block[] = [{ type: "header", text: t.t("verify.showcaseHeader") }];
  records.forEach((record, i) => {
    if (i > 0) blocks.push({ type: "divider" });
    blocks.push(...showcaseBlocks(record, t));
  });
  const verified = records.filter((r) => shownVerified(shownOf(r))).length;
  return {
    summary: t.t("verify.showcaseSummary", { count: records.length, verified }),
    blocks,
  };
}

function showcaseBlocks(record: CompletionRecord, t: Translator): Block[] {
  const credential = showcaseCredential(record);
  // An LMS's report is shown as such, never as a checked badge.
  const label =
    record.reportedBy && !record.evidenceUrl
      ? t.t("verify.reportedBy", { lms: record.reportedBy })
      : shownVerificationLabel(shownOf(record), t.locale);
  const blocks: Block[] = [
    {
      type: "text",
      text: [
        { bold: credential.name },
        credential.issuerName ? ` — ${credential.issuerName}` : "",
        ` · ${label}`,
      ],
    },
    { type: "context", text: [resumeLine(credential, t.locale)] },
  ];
  // a withdrawn credential is not offered for a profile
  if (record.revokedAt === null) {
    const link = linkedInAddToProfileUrl(credential);
    blocks.push({ type: "context", text: [{ link, text: t.t("verify.addToLinkedIn") }] });
  }
  return blocks;
}

/** What the badge checks send, for the verification jobs. */
export const verificationWording: VerificationWording = {
  result: verificationResultMessage,
  expiryReminder: expiryReminderMessage,
  revoked: revokedMessage,
  trustWithdrawn: trustWithdrawnMessage,
  badgeLost: badgeLostMessage,
};
