import { DateTime } from "luxon";
import type { CredentialSummary, IssuedCredential } from "../domain/xapi/credentials.ts";
import type { CompletionNotice } from "../domain/xapi/notices.ts";
import type { UnmatchedGroup } from "../domain/xapi/statements.ts";
import { payload, type ViewContext } from "./goals.ts";
import type { Block, Inline, Message } from "./model.ts";

export function credentialIssuedMessage(issued: IssuedCredential): Message {
  return {
    summary: `xAPI credentials for ${issued.name}`,
    blocks: [
      { type: "header", text: `xAPI credentials for ${issued.name}` },
      {
        type: "fields",
        fields: [
          { label: "Endpoint", value: ["this Stackup's address followed by ", { code: "/xapi/" }] },
          { label: "Username (key)", value: [{ code: issued.key }] },
          { label: "Password (secret)", value: [{ code: issued.secret }] },
          { label: "xAPI version", value: ["1.0.3 or 2.0.0"] },
        ],
      },
      {
        type: "context",
        text: [
          "Copy the secret now: it is shown only this once, and Stackup keeps only a hash of it. ",
          `Statements from ${issued.name} count as "reported by ${issued.name}".`,
        ],
      },
    ],
  };
}

export function credentialListMessage(list: CredentialSummary[], ctx: ViewContext): Message {
  if (list.length === 0) {
    return {
      summary: "No xAPI credentials",
      blocks: [
        { type: "text", text: ["No LMS can send statements yet."] },
        {
          type: "context",
          text: ["Try: ", { command: "admin xapi create <LMS name>" }],
        },
      ],
    };
  }
  const lines: Inline[] = [];
  for (const c of list) {
    if (lines.length) lines.push("\n");
    const day = DateTime.fromJSDate(c.createdAt, { zone: ctx.timeZone }).toFormat("d LLL yyyy");
    lines.push({ bold: c.name }, " · ", { code: c.key }, ` · since ${day}`);
  }
  return {
    summary: `${list.length} xAPI credential${list.length === 1 ? "" : "s"}`,
    blocks: [
      { type: "header", text: "xAPI credentials" },
      { type: "text", text: lines },
    ],
  };
}

const REASONS: Record<UnmatchedGroup["outcome"], string> = {
  unknown_actor: "nobody here has that e-mail or account",
  unknown_activity: "the activity is not mapped to a catalog credential",
  no_goal: "no open goal for that credential",
};

export function unmatchedMessage(
  groups: UnmatchedGroup[],
  days: number,
  ctx: ViewContext,
): Message {
  if (groups.length === 0) {
    return {
      summary: "No unmatched statements",
      blocks: [
        {
          type: "text",
          text: ["Every statement from the last 30 days found its person and goal."],
        },
      ],
    };
  }
  const blocks: Block[] = [{ type: "header", text: "Statements Stackup could not place" }];
  for (const g of groups) {
    const when = DateTime.fromJSDate(g.latest, { zone: ctx.timeZone }).toFormat("d LLL HH:mm");
    blocks.push({
      type: "text",
      text: [
        { bold: g.actor },
        g.activity ? " · " : "",
        ...(g.activity ? [{ code: g.activity } as Inline] : []),
        `\n${g.count} statement${g.count === 1 ? "" : "s"}, latest ${when}: ${REASONS[g.outcome]}`,
      ],
    });
  }
  blocks.push(
    {
      type: "context",
      text: [
        `They are kept ${days} days. Map activities in the catalog import (xapi_activities), `,
        "then try them again.",
      ],
    },
    {
      type: "actions",
      buttons: [{ label: "Try these again", action: "xapi.retry", value: "{}", style: "primary" }],
    },
  );
  return { summary: `${groups.length} groups of unmatched statements`, blocks };
}

/**
 * The DM when an LMS completed a goal: what it reported (never a verified badge) and what to do
 * next, checking the badge and the next credential of the stack.
 */
export function lmsCompletedMessage(notice: CompletionNotice): Message {
  const verb = notice.verb === "passed" ? "you passed" : "you completed";
  const blocks: Block[] = [
    {
      type: "text",
      text: [
        `🎓 ${notice.lms} reports that ${verb} `,
        { bold: notice.goalTitle },
        ", so I've marked the goal complete. Well done!",
      ],
    },
    {
      type: "context",
      text: [
        `It shows as reported by ${notice.lms} until a badge backs it: when the badge is issued, `,
        "share its file here and I'll check it, or link your Credly profile with ",
        { command: "connect credly <profile URL or username>" },
        ".",
      ],
    },
  ];
  if (notice.next) {
    blocks.push(
      {
        type: "text",
        text: [`Next in the ${notice.next.stack} stack: `, { bold: notice.next.title }, "."],
      },
      {
        type: "actions",
        buttons: [
          {
            label: "Set as goal",
            action: "goal.create",
            value: payload({ c: notice.next.credentialId }),
            style: "primary",
          },
        ],
      },
    );
  }
  return { summary: `${notice.lms}: ${notice.goalTitle} complete`, blocks };
}
