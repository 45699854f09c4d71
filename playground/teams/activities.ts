import { BOT, CHANNELS, personalChatId, TEAM, TENANT_ID, type TeamsPerson } from "./identity.ts";

/** Where an activity happens: a person's personal chat with the bot, or a team channel. */
export type Place = { kind: "personal" } | { kind: "channel"; id: string; thread?: string };

/** The conversation and channel data Teams sends for a place. */
function where(person: TeamsPerson, place: Place) {
  if (place.kind === "personal") {
    return {
      conversation: {
        id: personalChatId(person.key),
        conversationType: "personal",
        tenantId: TENANT_ID,
      },
      channelData: { tenant: { id: TENANT_ID } },
    };
  }
  const channel = CHANNELS.find((c) => c.id === place.id);
  if (!channel) throw new Error("No such channel in the playground's team.");
  return {
    conversation: {
      // Posts in a channel belong to a thread, named by its first message.
      id: place.thread ? `${channel.id};messageid=${place.thread}` : channel.id,
      conversationType: "channel",
      isGroup: true,
      tenantId: TENANT_ID,
    },
    channelData: {
      tenant: { id: TENANT_ID },
      team: { ...TEAM },
      // Teams leaves out the General channel's name.
      channel: channel.id === TEAM.id ? { id: channel.id } : { ...channel },
    },
  };
}

/** A Bot Framework activity from `person`, as Teams posts it to the bot's messaging endpoint. */
export function activityFrom(
  person: TeamsPerson,
  place: Place,
  fields: Record<string, unknown> & { id: string; serviceUrl: string; timestamp: string },
): Record<string, unknown> {
  const client = { type: "clientInfo", locale: person.locale, timezone: person.tz };
  return {
    type: "message",
    channelId: "msteams",
    from: { id: person.id, name: person.name, aadObjectId: person.aadObjectId },
    recipient: { ...BOT },
    locale: person.locale,
    localTimezone: person.tz,
    ...where(person, place),
    ...fields,
    entities: [...((fields.entities as unknown[] | undefined) ?? []), client],
  };
}

/**
 * What a person typed, as Teams sends it: `@handle` of someone in the tenant becomes an `<at>`
 * mention with its entity, and in a channel the bot is @mentioned first, as Teams requires.
 */
export function typedMessage(
  text: string,
  people: readonly TeamsPerson[],
  inChannel: boolean,
): { text: string; entities: Record<string, unknown>[] } {
  const entities: Record<string, unknown>[] = [];
  const mentioned = text.replace(/(^|\s)@([\w.-]+)/g, (whole, lead: string, handle: string) => {
    const person = people.find((p) => p.handle.toLowerCase() === handle.toLowerCase());
    if (!person) return whole;
    const at = `<at>${person.name}</at>`;
    entities.push({ type: "mention", text: at, mentioned: { id: person.id, name: person.name } });
    return `${lead}${at}`;
  });
  if (!inChannel) return { text: mentioned, entities };
  const bot = `<at>${BOT.name}</at>`;
  entities.unshift({ type: "mention", text: bot, mentioned: { ...BOT } });
  return { text: `${bot} ${mentioned}`, entities };
}
