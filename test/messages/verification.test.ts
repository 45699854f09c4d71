import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CompletionDecision, ProblemCode } from "../../src/domain/verification/completion.ts";
import { reasonOf } from "../../src/domain/verification/reasons.ts";
import type { CompletionRecord } from "../../src/domain/verification/repository.ts";
import { assessTrust, TRUST_CODES, TrustEvidence } from "../../src/domain/verification/trust.ts";
import type { Reason, VerificationResult } from "../../src/domain/verification/types.ts";
import { CATALOGUES, PSEUDO_LOCALE } from "../../src/i18n/index.ts";
import { type Message, messageText } from "../../src/messages/model.ts";
import {
  badgeLostMessage,
  expiryReminderMessage,
  revokedMessage,
  showcaseMessage,
  trustWithdrawnMessage,
  verificationResultMessage,
} from "../../src/messages/verification.ts";
import { completionRecord } from "../support/completion-record.ts";
import { untranslated } from "./fixtures.ts";

const L = PSEUDO_LOCALE;
const record = (locale: string, over: Partial<CompletionRecord> = {}): CompletionRecord =>
  completionRecord({ locales: [null, locale, null], ...over });
const error: Reason = {
  code: "signature.invalid",
  severity: "error",
  message: "The signature does not match.",
};
const note: Reason = {
  code: "recipient.not_checkable",
  severity: "warning",
  message: "No recipient.",
};
const result = (over: Partial<VerificationResult> = {}): VerificationResult =>
  ({
    verdict: "valid",
    reasons: [],
    kind: "ob3",
    issuer: { name: "Badge Issuer" },
    name: "Badge Name",
    issuedOn: "2025-12-01T00:00:00Z",
    expires: null,
    recipientMatch: true,
    evidenceUrl: null,
    credentialUrl: null,
    raw: null,
    trust: { trusted: true, issuerDomain: "badges.example.test", reasons: [] },
    ...over,
  }) as VerificationResult;
const decision = (code: ProblemCode | null, over: Partial<CompletionDecision> = {}) =>
  ({
    verified: code === null,
    recipientMatch: true,
    recipientBy: "email",
    matchesCredential: true,
    problem: code && {
      code,
      text: "",
      nextStep: "",
      ...(code === "confirm"
        ? { command: { before: "", command: "confirm My goal", after: "" } }
        : {}),
      facts: { why: "The key is unknown.", goal: "My goal", credential: "Rust", provider: "Acme" },
    },
    ...over,
  }) as CompletionDecision;
// The people's data, and the checks' own technical detail (kept as the check wrote it).
const DATA = [
  "My goal",
  "Badge Name",
  "Badge Issuer",
  "badges.example.test",
  "https://badges.example.test/a",
  "a@example.test",
  "Rust",
  "Acme",
  "Moodle",
  "The key is unknown.",
  "The signature does not match.",
  "No recipient.",
  "confirm My goal",
  "done <goal> <badge URL>",
  // Dates come from Intl in the locale.
  "December 1, 2025",
  "March 1, 2027",
  "December 2025",
  "January 2026",
  "Catalog Provider",
];

describe("badge check messages", () => {
  it("take every word from the catalogue", () => {
    const r = record(L);
    const untrusted = result({ trust: { trusted: false, issuerDomain: null, reasons: [] } });
    const messages: Message[] = [
      ...(["verified", "warning", "link_only", "invalid", "unverified"] as const).map((s) =>
        verificationResultMessage(r, result({ reasons: [error, note] }), s),
      ),
      verificationResultMessage(
        r,
        untrusted,
        "unverified",
        decision(null, { recipientBy: "credly" }),
      ),
      verificationResultMessage(r, result({ recipientMatch: false }), "verified"),
      verificationResultMessage(
        { ...r, email: null },
        result({ recipientMatch: false }),
        "verified",
      ),
      verificationResultMessage(r, result({ recipientMatch: "not_checkable" }), "verified"),
      ...(
        [
          "not_checkable",
          "not_trusted",
          "recipient_other",
          "recipient_unknown",
          "confirm",
          "other_credential",
        ] as const
      ).flatMap((code) => [
        verificationResultMessage(
          r,
          result({ name: null, issuer: null }),
          "unverified",
          decision(code),
        ),
        trustWithdrawnMessage(r, result({ verdict: "invalid", reasons: [error] }), decision(code)),
      ]),
      trustWithdrawnMessage(r, result(), decision(null)),
      badgeLostMessage(r),
      expiryReminderMessage(r, 7),
      expiryReminderMessage({ ...r, expiresAt: null, issuerDomain: null }, 1),
      revokedMessage(r, result({ reasons: [{ ...error, code: "revoked" }] })),
      showcaseMessage([], L),
      showcaseMessage(
        [r, record(L, { reportedBy: "Moodle", evidenceUrl: null, revokedAt: new Date() })],
        L,
      ),
    ];
    for (const m of messages) expect(untranslated(m, DATA)).toEqual([]);
  });

  it("word every reason a check gives in the owner's language, its data as values", () => {
    // the data a reason carries: addresses, statuses, a library's or the issuer's own words
    const values = {
      error: "ECONNRESET",
      url: "https://lists.example.test/1",
      count: 40,
      status: "404",
      type: "StatusList1999",
      why: "Issued in error",
      purpose: "refresh",
      expected: "https://www.w3.org/ns/credentials/v2",
      found: "https://example.test/context",
      property: "recipient",
      date: "2020-01-01T00:00:00Z",
      node: "badge_class",
      id: "https://example.test/other",
      host: "elsewhere.example.test",
      allowed: "badges.example.test",
      alg: "HS256",
      owner: "https://owner.example.test",
      iss: "https://jwt.example.test",
      proof: "DataIntegrityProof (eddsa-rdfc-2022)",
      method: "did:example",
      scheme: "ftp",
      controller: "https://controller.example.test",
      issuer: "https://issuer.example.test",
      did: "did:web:other.example.test",
      name: "Acme Badges",
      named: "acme.example.test",
      claimed: "Acme",
      domains: "acme.example.test",
      domain: "other.example.test",
    };
    const reasons = Object.keys(CATALOGUES.en!)
      .filter((key) => key.startsWith("verify.reason."))
      .map((key) => key.slice("verify.reason.".length))
      .flatMap((name) => {
        const code = name.slice(0, name.lastIndexOf("."));
        const detail = name.slice(name.lastIndexOf(".") + 1);
        return (["error", "warning"] as const).map((s) => reasonOf(code, s, { detail, values }));
      });
    expect(reasons.length).toBeGreaterThanOrEqual(290);
    const data = [...DATA, ...Object.values(values).map(String), "January 1, 2020"];
    const r = record(L);
    const messages = [
      verificationResultMessage(r, result({ verdict: "invalid", reasons }), "invalid"),
      ...reasons.map((reason) =>
        trustWithdrawnMessage(r, result({ verdict: "invalid", reasons: [reason] }), decision(null)),
      ),
      revokedMessage(r, result({ reasons: [reasonOf("revoked", "error", { detail: "gone" })] })),
    ];
    // why a badge is not trusted, worded into "I can't tell that its issuer really issued this badge"
    const trustCodes: string[] = Object.values(TRUST_CODES);
    const untrusted = reasons.filter((x) => x.severity === "error" && trustCodes.includes(x.code));
    expect(untrusted.length).toBeGreaterThanOrEqual(23);
    for (const reason of untrusted) {
      const notTrusted = decision("not_trusted");
      // the decision keeps the English, as the CLI and the stored problem do
      notTrusted.problem = { ...notTrusted.problem!, facts: { why: reason.message } };
      const trust = { trusted: false, issuerDomain: null, reasons: [reason] };
      const worded = [
        verificationResultMessage(r, result({ trust }), "unverified", notTrusted),
        trustWithdrawnMessage(r, result({ trust }), notTrusted),
      ];
      // the pseudo-locale wraps the catalogue's wording of the reason, never the stored English
      for (const m of worded) expect(messageText(m)).toContain(`: ⟦${reason.message}⟧`);
      messages.push(...worded);
    }
    for (const m of messages) expect(untranslated(m, data)).toEqual([]);
  });

  it("have a wording for every detail the checks name", () => {
    const dir = join(import.meta.dirname, "../../src/domain/verification");
    const source = readdirSync(dir)
      .filter((f) => f.endsWith(".ts"))
      .map((f) => readFileSync(join(dir, f), "utf8"))
      .join("\n");
    const named = /(?:detail: |fail\(|keyFailure\(|BudgetExceededError\(|exceed\()([^,})]+)/g;
    const details = new Set(
      [...source.matchAll(named)].flatMap((m) =>
        [...m[1]!.matchAll(/"([a-z0-9_]+)"/g)].map((d) => d[1]!),
      ),
    );
    const worded = new Set(
      Object.keys(CATALOGUES.en!)
        .filter((key) => key.startsWith("verify.reason."))
        .map((key) => key.slice(key.lastIndexOf(".") + 1)),
    );
    expect(details.size).toBeGreaterThan(80);
    expect([...details].filter((d) => !worded.has(d))).toEqual([]);
  });

  it("tell a German owner what failed in German, with the issuer's own reason as given", () => {
    const reasons = [
      reasonOf("revoked", "error", {
        detail: "credential_why",
        values: { why: "Issued in error" },
      }),
      reasonOf("endorsement.invalid", "error", {
        detail: "vc",
        values: { id: "urn:uuid:1" },
        cause: reasonOf("time.expired", "error", { detail: "jwt" }),
      }),
      reasonOf("time.expired", "error", {
        detail: "ob2",
        values: { date: "2020-01-01T00:00:00Z" },
      }),
      reasonOf("status.unreachable", "warning", {
        detail: "list",
        values: { url: "https://lists.example.test/1" },
      }),
    ];
    const text = messageText(
      verificationResultMessage(
        record("de-DE"),
        result({ verdict: "invalid", reasons }),
        "invalid",
      ),
    );
    expect(text).toContain("Der Aussteller hat diesen Nachweis widerrufen: Issued in error.");
    expect(text).toContain(
      "Die Statusliste https://lists.example.test/1 konnte nicht geladen werden.",
    );
    expect(text).toContain("Das Badge ist am 1. Januar 2020 abgelaufen.");
    // an endorsement's own failure is worded inside its reason, in German too
    expect(text).toContain(
      "Eine Empfehlung (urn:uuid:1) ist ungültig: Das JWT des Nachweises ist abgelaufen.",
    );
    expect(text).not.toContain("could not be loaded");
  });

  it("tell a German owner in German why a badge is not shown as its issuer's", () => {
    const hosted = new TrustEvidence();
    hosted.bound();
    const trust = assessTrust(
      {
        verdict: "valid",
        kind: "ob2",
        issuer: { id: "https://badges.example.test", name: "Acme", url: null },
      },
      hosted,
      [{ name: "Acme", domains: ["acme.example.test"] }],
    );
    const why = trust.reasons[0]!;
    expect(why.message).toBe(
      'The badge says it is from "Acme" (which claims to be Acme, which issues from acme.example.test), but it was issued by badges.example.test.',
    );
    const notTrusted = decision("not_trusted");
    notTrusted.problem = { ...notTrusted.problem!, facts: { why: why.message } };
    const text = messageText(
      verificationResultMessage(record("de-DE"), result({ trust }), "unverified", notTrusted),
    );
    expect(text).toContain(
      "ich kann nicht feststellen, dass der Aussteller dieses Badge wirklich ausgestellt hat: Das Badge gibt an, von „Acme“ zu sein (also von Acme, das von acme.example.test ausstellt), wurde aber von badges.example.test ausgestellt.",
    );
    expect(text).not.toContain("The badge says");
  });

  it("keep the English of a reason stored before reasons had a wording", () => {
    const old: Reason = { code: "revoked", severity: "error", message: "Revoked long ago." };
    const text = messageText(revokedMessage(record("de-DE"), result({ reasons: [old] })));
    expect(text).toContain("Revoked long ago.");
  });

  it("tell a German owner what was checked, with German dates", () => {
    const text = messageText(
      verificationResultMessage(
        record("de-DE"),
        result({ expires: "2027-03-01T00:00:00Z" }),
        "verified",
      ),
    );
    expect(text).toContain("✓ Verifiziert – Badge Name · ausgestellt von badges.example.test.");
    expect(text).toContain("Ausgestellt: 1. Dezember 2025");
    expect(text).toContain("Läuft ab: 1. März 2027");
    expect(text).toContain("Empfänger: An deine E-Mail-Adresse vergeben");
  });

  it("ask a Japanese owner to confirm with the command, as a command", () => {
    const message = verificationResultMessage(
      record("ja-JP"),
      result(),
      "unverified",
      decision("confirm"),
    );
    expect(message.blocks[1]).toEqual({
      type: "context",
      text: [
        "次のステップ: 一致している場合は ",
        { command: "confirm My goal" },
        " で一度確認すると、バッジ自体の名前で認証済みと表示されます。",
      ],
    });
  });

  it("show the showcase in French, with the other people's labels", () => {
    const text = messageText(showcaseMessage([record("fr")], "fr-FR"));
    expect(text).toContain(
      "Badge Name — badges.example.test · ✓ vérifié · délivré par badges.example.test",
    );
    expect(text).toContain(
      "Badge Name — badges.example.test, décembre 2025, vérifiable sur https://badges.example.test/a",
    );
  });
});
