import type { CloudAdapter, ConversationReference, TurnContext } from "botbuilder";
import { DeliveryError, RateLimitedError } from "../../src/delivery/errors.ts";
import type { Message } from "../../src/messages/model.ts";
import type { Delivery, Destination, Messenger } from "../../src/ports.ts";
import { filesToOffer, renderActivity, renderUpdate } from "./cards.ts";
import { type FileOfferStore, isOfferable, type OfferedFile } from "./file-offers.ts";
import { fitInlineImages, type ImageStore, linkImages } from "./images.ts";
import type { ConversationReferenceStore } from "./references.ts";

/** The Bot Connector said to slow down; the job queue should retry after `retryAfterMs`. */
export { RateLimitedError };

/** Teams refused or failed a delivery. `permanent` failures will fail the same way on retry. */
export class TeamsDeliveryError extends DeliveryError {
  override readonly name = "TeamsDeliveryError";
  constructor(method: string, code: string, permanent: boolean) {
    super("Teams", method, code, permanent);
  }
}

/** Without a Retry-After, wait this long: Teams' per-bot limits are counted per second. */
const DEFAULT_RETRY_AFTER_MS = 1_000;

function headerOf(error: unknown, name: string): string | undefined {
  const headers = (error as { response?: { headers?: unknown } }).response?.headers;
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === "function") {
    return (headers as { get(n: string): string | undefined }).get(name) ?? undefined;
  }
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from now. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number {
  if (!header) return DEFAULT_RETRY_AFTER_MS;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(Math.ceil(seconds * 1000), 1);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(at - now, 1) : DEFAULT_RETRY_AFTER_MS;
}

/** 403: the bot was removed or blocked; 404: the conversation or activity is gone. */
const PERMANENT_STATUSES = new Set([400, 401, 403, 404, 410, 413]);

export function translateError(method: string, error: unknown): Error {
  const status = (error as { statusCode?: unknown }).statusCode;
  if (status === 429)
    return new RateLimitedError("Teams", method, retryAfterMs(headerOf(error, "retry-after")));
  if (typeof status === "number") {
    return new TeamsDeliveryError(method, `http_${status}`, PERMANENT_STATUSES.has(status));
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Runs `logic` in the conversation, as if the bot had just been spoken to there. */
export async function inConversation<T>(
  adapter: CloudAdapter,
  appId: string,
  reference: Partial<ConversationReference>,
  method: string,
  logic: (context: TurnContext) => Promise<T>,
): Promise<T> {
  let result: T | undefined;
  try {
    await adapter.continueConversationAsync(appId, reference, async (context) => {
      // A proactive message starts a new post; botbuilder would otherwise address it as a reply
      // to the made-up activity that began this turn.
      context.onSendActivities(async (_ctx, activities, next) => {
        for (const activity of activities) delete activity.replyToId;
        return next();
      });
      result = await logic(context);
    });
  } catch (error) {
    throw translateError(method, error);
  }
  return result as T;
}

/** A delivered message's ref: its conversation and activity id, enough to update it later. */
export function encodeRef(conversationId: string, activityId: string): string {
  return JSON.stringify({ c: conversationId, a: activityId });
}

export function parseRef(ref: string): { conversationId: string; activityId: string } {
  try {
    const parsed = JSON.parse(ref) as { c?: unknown; a?: unknown };
    if (typeof parsed.c === "string" && typeof parsed.a === "string") {
      return { conversationId: parsed.c, activityId: parsed.a };
    }
  } catch {
    // fall through
  }
  throw new Error(`Not a Teams message ref: "${ref}"`);
}

function found<T>(reference: T | undefined): T {
  // Teams only lets a bot post where it was installed; without a reference it has not been.
  if (!reference) throw new TeamsDeliveryError("send", "no_conversation_reference", true);
  return reference;
}

/** The Messenger port on Teams: proactive sends through the stored conversation references. */
export function createTeamsMessenger(options: {
  adapter: CloudAdapter;
  /** Empty when running unauthenticated. */
  appId: string;
  store: ConversationReferenceStore;
  /** Where files sent to a personal chat wait for the person to accept them. */
  offers: FileOfferStore;
  /** Images linked from cards, served under `publicUrl`; without it images go inline. */
  images: { store: ImageStore; publicUrl: string | undefined };
  /** The language of the card's own notes for a destination; English when absent. */
  localeOf?: (to: Destination) => Promise<string | undefined>;
}): Messenger {
  const { adapter, appId, store, offers, images } = options;
  const localeOf = options.localeOf ?? (async () => undefined);

  /** Images by link when Stackup has a public address, else inline if they fit. */
  const withImages = (message: Message, tenantId: string, locale: string | undefined) =>
    images.publicUrl
      ? linkImages(message, tenantId, images.store, images.publicUrl)
      : Promise.resolve(fitInlineImages(message, locale));

  /** The conversation, and in a personal chat the message's files offered for OneDrive. */
  async function where(
    to: Destination,
    original: Message,
  ): Promise<{
    reference: Partial<ConversationReference>;
    message: Message;
    offered?: OfferedFile[];
    locale: string | undefined;
  }> {
    const locale = await localeOf(to);
    if (to.kind === "channel") {
      const channel = found(await store.forChannel(to.workspaceId, to.channelId));
      const message = await withImages(original, channel.tenantId, locale);
      return { reference: channel.reference, message, locale };
    }
    const chat = found(await store.personalChat(to.userId));
    const message = await withImages(original, chat.tenantId, locale);
    const offered = await offers.offer(chat, filesToOffer(message).filter(isOfferable));
    return { reference: chat.reference, message, offered, locale };
  }

  return {
    async send(to: Destination, original: Message): Promise<Delivery> {
      const { reference, message, offered, locale } = await where(to, original);
      const sent = await inConversation(adapter, appId, reference, "send", (context) =>
        context.sendActivity(renderActivity(message, offered, locale)),
      );
      const conversationId = reference.conversation?.id;
      if (!sent?.id || !conversationId) throw new TeamsDeliveryError("send", "no_id", false);
      return { ref: encodeRef(conversationId, sent.id) };
    },

    async update(to: Destination, ref: string, original: Message): Promise<void> {
      const { conversationId, activityId } = parseRef(ref);
      const { reference, message, offered, locale } = await where(to, original);
      const target = {
        ...reference,
        conversation: { ...reference.conversation!, id: conversationId },
      };
      const { activity, consent } = renderUpdate(message, offered, locale);
      await inConversation(adapter, appId, target, "update", async (context) => {
        await context.updateActivity({
          ...activity,
          id: activityId,
          conversation: target.conversation,
        });
        if (consent.length > 0) {
          await context.sendActivity({ type: "message", attachments: consent });
        }
      });
    },
  };
}
