import type { BadgeOutcome, SyncResult } from "../domain/credly/service.ts";
import { type MessageKey, type MessageValues, type Translator, translator } from "../i18n/index.ts";
import type { Block, Button, Message } from "./model.ts";

const button = (
  label: string,
  action: string,
  value: Record<string, unknown>,
  style?: "primary" | "danger",
): Button => ({
  label,
  action,
  value: JSON.stringify(value),
  ...(style ? { style } : {}),
});

/** A message of a line and an optional note, both from the catalogue. */
export function credlyText(
  locale: string | undefined,
  key: MessageKey,
  values: MessageValues = {},
  note?: MessageKey,
): Message {
  const t = translator(locale);
  const text = t.t(key, values);
  return {
    summary: text,
    blocks: [
      { type: "text", text: [text] },
      ...(note ? [{ type: "context", text: t.rich(note) } as Block] : []),
    ],
  };
}

/** What a read of the profile found, or null when there is nothing worth a message. */
export function credlySyncMessage(
  result: SyncResult,
  asked: boolean,
  locale?: string,
): Message | null {
  switch (result.kind) {
    case "not_linked":
      return asked ? credlyText(locale, "credly.notLinked") : null;
    case "not_found":
      return credlyText(locale, "credly.notFound", result, "credly.notFoundHint");
    case "unreachable":
      return asked ? credlyText(locale, "credly.unreachable", { reason: result.message }) : null;
    case "ask_owner":
      return askOwnerMessage(result, translator(locale));
    case "synced":
      return syncedMessage(result, asked, translator(locale));
  }
}

function askOwnerMessage(
  result: Extract<SyncResult, { kind: "ask_owner" }>,
  t: Translator,
): Message {
  const values = {
    username: result.username,
    known: result.names.length ? "yes" : "no",
    names: t.list(result.names.slice(0, 3)),
  };
  return {
    summary: t.t("credly.askOwnerSummary", values),
    blocks: [
      { type: "text", text: t.rich("credly.askOwner", values) },
      {
        type: "actions",
        buttons: [
          button(t.t("credly.yesMine"), "credly.owner", { yes: true }, "primary"),
          button(t.t("credly.noDisconnect"), "credly.owner", { yes: false }),
        ],
      },
    ],
  };
}

function syncedMessage(
  result: Extract<SyncResult, { kind: "synced" }>,
  asked: boolean,
  t: Translator,
): Message | null {
  const { completed, confirm, offered, username } = result;
  const nothing = completed.length + confirm.length + offered.length === 0;
  if (nothing && !asked && !result.first) return null;
  const blocks: Block[] = [];
  if (result.first) blocks.push({ type: "text", text: t.rich("credly.connected", { username }) });
  for (const c of completed) {
    const values = { title: c.goal?.title ?? c.badge.name, badge: c.badge.name };
    blocks.push({ type: "text", text: ["🎉 ", ...t.rich("credly.completed", values)] });
  }
  for (const c of confirm) blocks.push(...confirmBlocks(c, t));
  for (const c of offered) blocks.push(...offerBlocks(c, t.locale));
  if (nothing) blocks.push({ type: "text", text: t.rich("credly.nothingNew", { username }) });
  const summary = completed.length
    ? t.t("credly.completedSummary", { count: completed.length })
    : t.t("credly.seenSummary", { count: result.seen, username });
  return { summary, blocks };
}

function confirmBlocks(c: BadgeOutcome, t: Translator): Block[] {
  return [
    {
      type: "text",
      text: t.rich("credly.confirm", { badge: c.badge.name, title: c.goal?.title ?? "" }),
    },
    {
      type: "actions",
      buttons: [
        button(
          t.t("credly.confirmYes"),
          "credly.badge",
          { b: c.badge.id, c: "confirm" },
          "primary",
        ),
        button(t.t("credly.confirmNo"), "credly.badge", { b: c.badge.id, c: "reject" }),
      ],
    },
  ];
}

export function offerBlocks(c: Pick<BadgeOutcome, "badge">, locale?: string): Block[] {
  const t = translator(locale);
  const values = {
    badge: c.badge.name,
    issuer: c.badge.issuer ?? "",
    hasIssuer: c.badge.issuer ? "yes" : "no",
  };
  return [
    { type: "text", text: t.rich("credly.offer", values) },
    {
      type: "actions",
      buttons: [
        button(t.t("credly.addToRecord"), "credly.badge", { b: c.badge.id, c: "add" }, "primary"),
        button(t.t("credly.noThanks"), "credly.badge", { b: c.badge.id, c: "dismiss" }),
      ],
    },
  ];
}

/** A badge offered again after a "no" on the goal it seemed to be for. */
export function offerMessage(id: string, name: string, locale?: string): Message {
  const badge = {
    id,
    name,
    issuer: null,
    templateId: null,
    issuedTo: null,
    issuedOn: null,
    expiresOn: null,
  };
  return {
    summary: translator(locale).t("credly.offerSummary", { badge: name }),
    blocks: offerBlocks({ badge }, locale),
  };
}
