import {
  type CloudAdapter,
  type ConversationParameters,
  type ConversationReference,
  TeamsInfo,
  TurnContext,
} from "botbuilder";
import { type AdapterLogger, describeError } from "./logging.ts";
import { type ConversationReferenceStore, type ReferenceKey, tenantOf } from "./references.ts";

/** The team the activity came from, when the bot was spoken to or added in a team. */
function teamIdOf(context: TurnContext): string | undefined {
  return (context.activity.channelData as { team?: { id?: string } } | undefined)?.team?.id;
}

/**
 * When the bot joins a team, a reference for each of the team's channels, so an admin can send
 * the team's digest to any of them without first mentioning the bot there. Teams lists only
 * standard channels: a bot can't post in private ones. A refusal leaves the channel the bot was
 * added in, which the caller has already kept.
 */
export async function rememberTeamChannels(
  context: TurnContext,
  base: Partial<ConversationReference>,
  store: ConversationReferenceStore,
  logger: AdapterLogger,
): Promise<number> {
  const tenantId = tenantOf(context.activity);
  const teamId = teamIdOf(context);
  if (!tenantId || !teamId || !base.conversation) return 0;
  let channels: { id?: string }[];
  try {
    channels = await TeamsInfo.getTeamChannels(context, teamId);
  } catch (error) {
    logger.warn({ err: describeError(error) }, "Could not list a Teams team's channels");
    return 0;
  }
  let kept = 0;
  for (const channel of channels) {
    if (!channel.id) continue;
    await store.save(
      { tenantId, kind: "channel", key: channel.id, teamId },
      { ...base, conversation: { ...base.conversation, id: channel.id } },
    );
    kept += 1;
  }
  return kept;
}

/** The bot was removed from a team: none of its channels can take a post any more. */
export async function forgetTeamChannels(
  context: TurnContext,
  store: ConversationReferenceStore,
): Promise<void> {
  const tenantId = tenantOf(context.activity);
  const teamId = teamIdOf(context);
  if (tenantId && teamId && context.activity.conversation?.conversationType === "channel") {
    await store.removeTeam(tenantId, teamId);
  }
}

/**
 * Starts a personal chat with the sender, which Teams allows a bot installed in a team or chat
 * they are in. Undefined when Teams refuses: the app isn't installed for them, or their
 * organisation doesn't allow it.
 */
export async function openPersonalChat(
  context: TurnContext,
  appId: string,
  key: ReferenceKey,
  logger: AdapterLogger,
): Promise<Partial<ConversationReference> | undefined> {
  const activity = context.activity;
  let conversationId: string | undefined;
  try {
    if (!activity.from?.id || !activity.serviceUrl) throw new Error("No sender or service URL");
    const parameters: ConversationParameters = {
      isGroup: false,
      bot: activity.recipient,
      members: [{ id: activity.from.id, name: activity.from.name }],
      tenantId: key.tenantId,
      channelData: { tenant: { id: key.tenantId } },
    };
    await (context.adapter as CloudAdapter).createConversationAsync(
      appId,
      activity.channelId,
      activity.serviceUrl,
      // No audience: the default one for the channel, as continueConversationAsync uses.
      undefined as unknown as string,
      parameters,
      async (created) => {
        conversationId = created.activity.conversation?.id;
      },
    );
    if (!conversationId) throw new Error("Teams returned no conversation id");
  } catch (error) {
    // describeError keeps the status and message, never the request with its token.
    logger.warn(
      { err: describeError(error) },
      "Could not open a Teams personal chat for a private answer",
    );
    return undefined;
  }
  return TurnContext.getConversationReference({
    ...activity,
    conversation: {
      id: conversationId,
      conversationType: "personal",
      isGroup: false,
      tenantId: key.tenantId,
      name: "",
    },
  });
}
