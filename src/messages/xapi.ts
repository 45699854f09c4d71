import type { CredentialSummary, IssuedCredential } from "../domain/xapi/credentials.ts";
import type { CompletionNotice } from "../domain/xapi/notices.ts";
import type { UnmatchedGroup } from "../domain/xapi/statements.ts";
import { translator } from "../i18n/index.ts";
import { payload, tr, type ViewContext } from "./goals.ts";
import type { Block, Inline, Message } from "./model.ts";

export function credentialIssuedMessage(issued: IssuedCredential, locale?: string): Message {
  const t = translator(locale);
  const title = t.t("xapi.issuedTitle", { name: issued.name });
  return {
    summary: title,
    blocks: [
      { type: "header", text: title },
      {
        type: "fields",
        fields: [
          {
            label: t.t("xapi.endpoint"),
            value: t.rich("xapi.endpointValue", { path: { code: "/xapi/" } }),
          },
          { label: t.t("xapi.username"), value: [{ code: issued.key }] },
          { label: t.t("xapi.password"), value: [{ code: issued.secret }] },
          {
            label: t.t("xapi.version"),
            value: t.rich("xapi.versionValue", { a: "1.0.3", b: "2.0.0" }),
          },
        ],
      },
      { type: "context", text: t.rich("xapi.copySecret", { name: issued.name }) },
    ],
  };
}

export function credentialListMessage(list: CredentialSummary[], ctx: ViewContext): Message {
  const t = tr(ctx);
  if (list.length === 0) {
    return {
      summary: t.t("xapi.noneSummary"),
      blocks: [
        { type: "text", text: t.rich("xapi.none") },
        {
          type: "context",
          text: t.rich("problem.try", { command: { command: "admin xapi create <LMS name>" } }),
        },
      ],
    };
  }
  const lines: Inline[] = [];
  for (const c of list) {
    if (lines.length) lines.push("\n");
    const since = t.shortDate(dayIn(c.createdAt, ctx.timeZone), true);
    lines.push(
      { bold: c.name },
      " · ",
      { code: c.key },
      ` · ${t.t("xapi.since", { date: since })}`,
    );
  }
  return {
    summary: t.t("xapi.listSummary", { count: list.length }),
    blocks: [
      { type: "header", text: t.t("xapi.listHeader") },
      { type: "text", text: lines },
    ],
  };
}

/** The calendar day ("YYYY-MM-DD") of a moment in a time zone. */
function dayIn(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone }).format(at);
}

export function unmatchedMessage(
  groups: UnmatchedGroup[],
  days: number,
  ctx: ViewContext,
): Message {
  const t = tr(ctx);
  if (groups.length === 0) {
    return {
      summary: t.t("xapi.noUnmatchedSummary"),
      blocks: [{ type: "text", text: t.rich("xapi.noUnmatched", { days }) }],
    };
  }
  const blocks: Block[] = [{ type: "header", text: t.t("xapi.unmatchedHeader") }];
  const year = Number(dayIn(ctx.now, ctx.timeZone).slice(0, 4));
  for (const g of groups) {
    const when = t.dateTime(g.latest, ctx.timeZone, year);
    const line = t.t("xapi.unmatchedLine", { count: g.count, when, reason: g.outcome });
    blocks.push({
      type: "text",
      text: [
        { bold: g.actor },
        ...(g.activity ? [" · ", { code: g.activity } as Inline] : []),
        `\n${line}`,
      ],
    });
  }
  blocks.push(
    {
      type: "context",
      text: t.rich("xapi.unmatchedKept", { days, column: { code: "xapi_activities" } }),
    },
    {
      type: "actions",
      buttons: [{ label: t.t("xapi.retry"), action: "xapi.retry", value: "{}", style: "primary" }],
    },
  );
  return { summary: t.t("xapi.unmatchedSummary", { count: groups.length }), blocks };
}

/**
 * The DM when an LMS completed a goal: what it reported (never a verified badge) and what to do
 * next, checking the badge and the next credential of the stack.
 */
export function lmsCompletedMessage(notice: CompletionNotice, locale?: string): Message {
  const t = translator(locale);
  const values = { lms: notice.lms, title: notice.goalTitle, verb: notice.verb };
  const blocks: Block[] = [
    { type: "text", text: ["🎓 ", ...t.rich("xapi.lmsCompleted", values)] },
    {
      type: "context",
      text: t.rich("xapi.lmsCompletedNext", {
        lms: notice.lms,
        command: { command: "connect credly <profile URL or username>" },
      }),
    },
  ];
  if (notice.next) {
    blocks.push(
      {
        type: "text",
        text: t.rich("xapi.nextInStack", { stack: notice.next.stack, title: notice.next.title }),
      },
      {
        type: "actions",
        buttons: [
          {
            label: t.t("xapi.setAsGoal"),
            action: "goal.create",
            value: payload({ c: notice.next.credentialId }),
            style: "primary",
          },
        ],
      },
    );
  }
  return { summary: t.t("xapi.lmsCompletedSummary", values), blocks };
}
