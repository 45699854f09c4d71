import type { Config } from "../../src/config.ts";

/** Test identities: one tenant, one person, the bot. */
export const TENANT = "72f988bf-0000-4000-8000-0000000000aa";
export const ALICE = {
  id: "29:1alice-teams-id",
  aadObjectId: "00000000-0000-4000-8000-00000000a11c",
  name: "Alice Liddell",
};
export const BOT = { id: "28:stackup-bot", name: "Stackup" };
export const PERSONAL = { id: "a:1personal-alice", conversationType: "personal" };
export const CHANNEL_ID = "19:general-channel@thread.tacv2";

let counter = 0;

/** A Bot Framework activity as Teams would post it to /api/messages. */
export function activity(
  serviceUrl: string,
  fields: Record<string, unknown> & { conversation?: Record<string, unknown> },
): Record<string, unknown> {
  counter += 1;
  const conversation = { ...PERSONAL, tenantId: TENANT, ...(fields.conversation ?? {}) };
  return {
    type: "message",
    id: `incoming-${counter}`,
    timestamp: new Date().toISOString(),
    serviceUrl,
    channelId: "msteams",
    from: { ...ALICE },
    recipient: { ...BOT },
    locale: "en-US",
    entities: [{ type: "clientInfo", locale: "en-US", timezone: "Europe/Berlin" }],
    channelData: { tenant: { id: TENANT } },
    ...fields,
    conversation,
  };
}

/** A message typed in the personal chat. */
export function personalMessage(serviceUrl: string, text: string) {
  return activity(serviceUrl, { text });
}

/** A message in a team channel, @mentioning the bot as Teams does. */
export function channelMessage(serviceUrl: string, text: string) {
  const mention = `<at>${BOT.name}</at>`;
  return activity(serviceUrl, {
    text: `${mention} ${text}`,
    conversation: {
      id: `${CHANNEL_ID};messageid=1700000000000`,
      conversationType: "channel",
      isGroup: true,
    },
    entities: [
      { type: "mention", text: mention, mentioned: { id: BOT.id, name: BOT.name } },
      { type: "clientInfo", locale: "en-US", timezone: "Europe/Berlin" },
    ],
    channelData: {
      tenant: { id: TENANT },
      team: { id: CHANNEL_ID, name: "Learning" },
      channel: { id: CHANNEL_ID, name: "General" },
    },
  });
}

/** A click on an Action.Submit button of the card with activity id `cardId`. */
export function cardClick(serviceUrl: string, cardId: string, value: Record<string, unknown>) {
  return activity(serviceUrl, { replyToId: cardId, value });
}

/** The bot added to, or removed from, a team, as Teams tells it in the team's General channel. */
export function botInTeam(serviceUrl: string, teamId: string, change: "added" | "removed") {
  return activity(serviceUrl, {
    type: "conversationUpdate",
    conversation: { id: teamId, conversationType: "channel", isGroup: true },
    channelData: {
      tenant: { id: TENANT },
      team: { id: teamId, name: "Learning" },
      eventType: change === "added" ? "teamMemberAdded" : "teamMemberRemoved",
    },
    ...(change === "added"
      ? { membersAdded: [{ id: BOT.id }] }
      : { membersRemoved: [{ id: BOT.id }] }),
    entities: [],
  });
}

/** A card's Action.Submit button: its title and the data it sends. */
export type SubmitAction = {
  type: string;
  title: string;
  data?: { stackup?: { a: string; v: string } };
};

/** Every Action.Submit of a card (or of anything holding cards), wherever it sits. */
export function submitActions(card: unknown): SubmitAction[] {
  const found: SubmitAction[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      if ((v as SubmitAction).type === "Action.Submit") found.push(v as SubmitAction);
      Object.values(v).forEach(walk);
    }
  };
  walk(card);
  return found;
}

/** The bot being added to the person's personal scope. */
export function botAdded(serviceUrl: string) {
  return activity(serviceUrl, {
    type: "conversationUpdate",
    membersAdded: [{ id: BOT.id }],
    entities: [],
  });
}

export const unauthenticatedTeams: NonNullable<Config["teams"]> = {
  appId: undefined,
  appPassword: undefined,
  appType: "MultiTenant",
  tenantId: undefined,
  allowUnauthenticated: true,
};

/** All text a person would read on a card: text blocks, facts, button titles and values. */
export function readCard(value: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      for (const [key, inner] of Object.entries(v)) {
        if (key === "data") continue;
        if (typeof inner === "string" && ["text", "title", "value", "label"].includes(key)) {
          out.push(inner);
        } else walk(inner);
      }
    }
  };
  walk(value);
  return out.join("\n");
}

/** The Adaptive Card an activity carries. */
export function cardOf(body: Record<string, unknown>): Record<string, unknown> {
  const attachments = body.attachments as { contentType: string; content: unknown }[] | undefined;
  const card = attachments?.find(
    (a) => a.contentType === "application/vnd.microsoft.card.adaptive",
  );
  if (!card) throw new Error(`No Adaptive Card in ${JSON.stringify(body).slice(0, 200)}`);
  return card.content as Record<string, unknown>;
}
