import {
  type Activity,
  type CloudAdapter,
  type ConversationReference,
  type FileConsentCardResponse,
  TeamsActivityHandler,
  TurnContext,
} from "botbuilder";
import type { Actor, Core } from "../../src/commands/core.ts";
import { translator } from "../../src/i18n/index.ts";
import type { Message, Reply } from "../../src/messages/model.ts";
import { explainFailure, sorryMessage } from "../../src/messages/unavailable.ts";
import { personLocale, teamsActor, teamsIdentity } from "./actor.ts";
import {
  FILE_INFO_CONTENT_TYPE,
  filesToOffer,
  formActivity,
  readSubmission,
  renderActivity,
  renderUpdate,
} from "./cards.ts";
import { commandText } from "./command.ts";
import { forgetTeamChannels, openPersonalChat, rememberTeamChannels } from "./conversations.ts";
import {
  attachmentOf,
  type FileOffer,
  type FileOfferStore,
  isOfferable,
  type OfferedFile,
  type OfferOwner,
  offerIdOf,
  ownsOffer,
  uploadInfoOf,
} from "./file-offers.ts";
import {
  attachedFile,
  contentTypeOf,
  createFileDownloader,
  downloadFailedMessage,
  FileDownloadError,
  type FileDownloader,
  hasInlineImage,
  inlineImageMessage,
  type TeamsFile,
} from "./files.ts";
import type { TeamsInstalls } from "./installs.ts";
import { type AdapterLogger, describeError } from "./logging.ts";
import { escapeMarkdown, oneLine } from "./markdown.ts";
import { MentionLookupError, mentionFailedMessage, resolveMentions } from "./mentions.ts";
import { inConversation } from "./messenger.ts";
import {
  type ConversationReferenceStore,
  type ReferenceKey,
  referenceKey,
  tenantOf,
} from "./references.ts";
import {
  formErrorsMessage,
  noIdentityMessage,
  offerDeclinedMessage,
  offerGoneMessage,
  openPersonalChatMessage,
  sentPrivatelyMessage,
  uploadFailedMessage,
  welcomeMessage,
} from "./replies.ts";
import { createFileUploader, type FileUploader } from "./upload.ts";

export interface TeamsBotOptions {
  core: Core;
  store: ConversationReferenceStore;
  logger: AdapterLogger;
  /** Empty when running unauthenticated; used to reach a person's personal chat. */
  appId: string;
  /** Fetches files attached in a personal chat; public addresses only unless told otherwise. */
  download?: FileDownloader;
  /** Files offered in a personal chat, waiting for the person's answer. */
  offers: FileOfferStore;
  /** Saves an accepted file to the person's OneDrive; public addresses only unless told otherwise. */
  upload?: FileUploader;
  /** Starts or stops the tenant's retention clock as the bot is removed or added. */
  installs?: TeamsInstalls;
}

/** Teams activities in, core calls, cards out. */
export class StackupTeamsBot extends TeamsActivityHandler {
  private readonly download: FileDownloader;
  private readonly upload: FileUploader;

  constructor(private readonly options: TeamsBotOptions) {
    super();
    this.download = options.download ?? createFileDownloader();
    this.upload = options.upload ?? createFileUploader();
    this.onMessage(async (context, next) => {
      await this.remember(context);
      await this.handleMessage(context);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await this.remember(context);
      await this.installChanged(context, true);
      await next();
    });
    this.onInstallationUpdateRemove(async (context, next) => {
      await forgetTeamChannels(context, options.store);
      await this.installChanged(context, false);
      await next();
    });
    this.onMembersRemoved(async (context, next) => {
      const { membersRemoved, recipient } = context.activity;
      if (membersRemoved?.some((m) => m.id === recipient?.id)) {
        await forgetTeamChannels(context, options.store);
        await this.installChanged(context, false);
      }
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const reference = await this.remember(context);
      const botAdded = context.activity.membersAdded?.some(
        (m) => m.id === context.activity.recipient?.id,
      );
      const scope = context.activity.conversation?.conversationType;
      if (botAdded) await this.installChanged(context, true);
      if (botAdded && scope === "personal") {
        // A greeting of our own: asking the core would sign the person up before their client
        // has told us their time zone.
        await context.sendActivity(renderActivity(welcomeMessage(this.localeOf(context))));
      }
      if (botAdded && scope === "channel" && reference) {
        await rememberTeamChannels(context, reference, options.store, options.logger);
      }
      await next();
    });
    // A new channel can take a team's digest at once; a deleted one can take nothing.
    this.onTeamsChannelCreatedEvent(async (_channel, _team, context, next) => {
      await this.remember(context);
      await next();
    });
    this.onTeamsChannelDeletedEvent(async (channel, _team, context, next) => {
      const tenantId = tenantOf(context.activity);
      if (tenantId && channel.id)
        await options.store.remove({ tenantId, kind: "channel", key: channel.id });
      await next();
    });
  }

  /** The bot was added to or removed from this conversation: the tenant's install state follows. */
  private async installChanged(context: TurnContext, installed: boolean): Promise<void> {
    const key = referenceKey(context.activity);
    const installs = this.options.installs;
    if (!key || !installs) return;
    await (installed ? installs.added(key.tenantId) : installs.removed(key));
  }

  /** Keeps the conversation reference, so the bot can post here later on its own. */
  private async remember(
    context: TurnContext,
  ): Promise<Partial<ConversationReference> | undefined> {
    const key = referenceKey(context.activity);
    if (!key) return undefined;
    const reference = TurnContext.getConversationReference(context.activity);
    await this.keep(key, reference);
    return reference;
  }

  private async keep(key: ReferenceKey, reference: Partial<ConversationReference>): Promise<void> {
    try {
      await this.options.store.save(key, reference);
    } catch (error) {
      this.options.logger.error(
        { err: describeError(error) },
        "Could not store a Teams conversation reference",
      );
    }
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const submission = readSubmission(context.activity.value);
    if (submission?.kind === "action") {
      await this.interact(context, `action ${submission.action}`, (actor) =>
        this.options.core.action(actor, submission.action, submission.value),
      );
      return;
    }
    if (submission?.kind === "form") {
      await this.interact(context, `submit ${submission.formId}`, async (actor) => {
        const result = await this.options.core.submit(
          actor,
          submission.formId,
          submission.state,
          submission.values,
        );
        if (!result.ok) {
          // The card keeps what was typed, so the person can correct it and submit again.
          return {
            kind: "message",
            visibility: "private",
            message: formErrorsMessage(result.errors, submission.labels, this.localeOf(context)),
          };
        }
        // A finished form is replaced by its outcome; a follow-up form opens below it.
        const reply = result.reply;
        return reply.kind === "message" ? { kind: "update", message: reply.message } : reply;
      });
      return;
    }
    if (context.activity.value !== undefined && !context.activity.text) return;
    // Teams delivers files to bots in personal chats only.
    if (context.activity.conversation?.conversationType === "personal") {
      const file = attachedFile(context.activity);
      if (file) {
        // As in Slack, a shared file is the message: any words with it are a caption.
        await this.receiveFile(context, file);
        return;
      }
      if (hasInlineImage(context.activity)) {
        // Pasted images sit behind the bot's own token; we don't send it to fetch them.
        if (commandText(context.activity)) await this.command(context);
        await context.sendActivity(renderActivity(inlineImageMessage(this.localeOf(context))));
        return;
      }
    }
    await this.command(context);
  }

  private async command(context: TurnContext): Promise<void> {
    await this.interact(
      context,
      "command",
      async (actor) =>
        this.options.core.command(
          actor,
          commandText(context.activity, await resolveMentions(context)),
        ),
      (error, locale) =>
        error instanceof MentionLookupError ? mentionFailedMessage(error.member, locale) : null,
    );
  }

  /** A badge file: the core decides whether to download it and where it goes. */
  private async receiveFile(context: TurnContext, file: TeamsFile): Promise<void> {
    await this.interact(
      context,
      "file",
      (actor) =>
        this.options.core.file(actor, {
          name: file.name,
          contentType: contentTypeOf(file),
          // Teams does not say how big an attached file is; the download finds out.
          size: 0,
          bytes: (limit) => this.download(file.downloadUrl, limit),
        }),
      (error, locale) =>
        error instanceof FileDownloadError ? downloadFailedMessage(file.name, locale) : null,
    );
  }

  /**
   * Runs one interaction; a failure becomes a friendly note and a log line. `explain` turns a
   * failure the person can act on into a message of its own instead of the general apology.
   */
  private async interact(
    context: TurnContext,
    what: string,
    work: (actor: Actor) => Promise<Reply>,
    explain: (error: unknown, locale?: string) => Message | null = () => null,
  ): Promise<void> {
    const actor = teamsActor(context, this.options.logger);
    if (!actor) {
      await context.sendActivity(renderActivity(noIdentityMessage(this.localeOf(context))));
      return;
    }
    let reply: Reply;
    try {
      reply = await work(actor);
    } catch (error) {
      const locale = this.localeOf(context);
      const explained = explain(error, locale) ?? explainFailure(error, locale);
      if (explained) {
        this.options.logger.warn({ err: describeError(error), what }, "Teams interaction refused");
        await context.sendActivity(renderActivity(explained));
        return;
      }
      this.options.logger.error({ err: describeError(error), what }, "Teams interaction failed");
      await context.sendActivity(renderActivity(sorryMessage(locale)));
      return;
    }
    await this.deliver(context, reply);
  }

  /** Delivers the core's reply where the interaction happened. */
  private async deliver(context: TurnContext, reply: Reply): Promise<void> {
    // Everything but a personal chat is seen by others too.
    const shared = context.activity.conversation?.conversationType !== "personal";
    switch (reply.kind) {
      case "none":
        return;
      case "form": {
        // Forms come filled in with the person's own settings, and are theirs to fill in.
        const locale = this.localeOf(context);
        if (shared)
          await this.answerPrivately(context, async () => formActivity(reply.form, locale));
        else await context.sendActivity(formActivity(reply.form, locale));
        return;
      }
      case "update": {
        // A click's outcome is the clicker's own: it must not replace a card everyone sees.
        if (shared) {
          await this.answerPrivately(context, (owner) => this.rendered(owner, reply.message));
          return;
        }
        const offered = await this.offerHere(context, reply.message);
        const cardId = context.activity.replyToId;
        if (!cardId) {
          await context.sendActivity(renderActivity(reply.message, offered));
          return;
        }
        const { activity, consent } = renderUpdate(reply.message, offered, this.localeOf(context));
        await context.updateActivity({
          ...activity,
          id: cardId,
          conversation: context.activity.conversation,
        });
        if (consent.length > 0)
          await context.sendActivity({ type: "message", attachments: consent });
        return;
      }
      case "message": {
        if (reply.visibility === "private" && shared) {
          const locale = this.localeOf(context);
          await this.answerPrivately(context, (owner) =>
            this.rendered(owner, reply.message, locale),
          );
          return;
        }
        const offered = await this.offerHere(context, reply.message);
        await context.sendActivity(renderActivity(reply.message, offered, this.localeOf(context)));
        return;
      }
    }
  }

  /**
   * In a personal chat, the message's files (other than images) are offered for the person's
   * OneDrive. Elsewhere Teams gives bots no way to hand over a file: undefined, and the card
   * sends the person to the personal chat.
   */
  private async offerHere(
    context: TurnContext,
    message: Message,
  ): Promise<OfferedFile[] | undefined> {
    if (context.activity.conversation?.conversationType !== "personal") return undefined;
    const owner = teamsIdentity(context.activity);
    return owner ? this.offer(owner, message) : undefined;
  }

  private offer(owner: OfferOwner, message: Message): Promise<OfferedFile[]> {
    return this.options.offers.offer(owner, filesToOffer(message).filter(isOfferable));
  }

  /** A message for the person's personal chat, its files offered there. */
  private async rendered(
    owner: OfferOwner,
    message: Message,
    locale?: string,
  ): Promise<Partial<Activity>> {
    return renderActivity(message, await this.offer(owner, message), locale);
  }

  /**
   * Teams has no messages only one person in a channel can see, so an answer for the person alone
   * goes to their personal chat, opened for them if need be; the channel only hears that it did.
   * It never falls back to the channel: a report or someone's goals would be there for everyone.
   */
  private async answerPrivately(
    context: TurnContext,
    render: (owner: OfferOwner) => Promise<Partial<Activity>>,
  ): Promise<void> {
    const owner = teamsIdentity(context.activity);
    const chat = owner && (await this.personalChat(context, owner));
    if (!owner || !chat) {
      await context.sendActivity(renderActivity(openPersonalChatMessage(this.localeOf(context))));
      return;
    }
    const activity = await render(owner);
    await inConversation(
      context.adapter as CloudAdapter,
      this.options.appId,
      chat,
      "send",
      (personal) => personal.sendActivity(activity),
    );
    await context.sendActivity(renderActivity(sentPrivatelyMessage(this.localeOf(context))));
  }

  /** The person's personal chat with the bot: the stored one, or a new one. */
  private async personalChat(
    context: TurnContext,
    owner: OfferOwner,
  ): Promise<Partial<ConversationReference> | undefined> {
    const key: ReferenceKey = {
      tenantId: owner.tenantId,
      kind: "personal",
      key: owner.aadObjectId,
    };
    const stored = await this.options.store.find(key);
    if (stored) return stored;
    const opened = await openPersonalChat(context, this.options.appId, key, this.options.logger);
    // Kept as if they had written to us there, so check-ins can reach them too.
    if (opened) await this.keep(key, opened);
    return opened;
  }

  /** The person allowed a file we offered: it goes to their OneDrive, then its card to them. */
  protected override async handleTeamsFileConsentAccept(
    context: TurnContext,
    response: FileConsentCardResponse,
  ): Promise<void> {
    await this.answerOffer(context, response, async (offer) => {
      const info = uploadInfoOf(response);
      try {
        if (!info) throw new Error("Teams sent no upload link");
        await this.upload(info.uploadUrl, offer.data);
      } catch (error) {
        // The offer stays, so the same file can be allowed again.
        this.options.logger.warn(
          { err: describeError(error) },
          "Could not save a file to OneDrive",
        );
        const file = attachmentOf(offer);
        const locale = this.localeOf(context);
        await context.sendActivity(
          renderActivity(uploadFailedMessage(file, locale), [{ id: offer.id, file }], locale),
        );
        return;
      }
      await this.options.offers.remove(offer.id);
      this.options.logger.info({ size: offer.data.byteLength }, "Saved a file to OneDrive");
      await context.sendActivity({
        type: "message",
        text: translator(this.localeOf(context)).t("teams.savedToOneDrive", {
          name: escapeMarkdown(oneLine(info.name)),
        }),
        attachments: [
          {
            contentType: FILE_INFO_CONTENT_TYPE,
            contentUrl: info.contentUrl,
            name: info.name,
            content: { uniqueId: info.uniqueId, fileType: info.fileType },
          },
        ],
      });
    });
  }

  /** The person declined a file we offered: it is dropped, and nothing reaches their OneDrive. */
  protected override async handleTeamsFileConsentDecline(
    context: TurnContext,
    response: FileConsentCardResponse,
  ): Promise<void> {
    await this.answerOffer(context, response, async (offer) => {
      await this.options.offers.remove(offer.id);
      const locale = this.localeOf(context);
      await context.sendActivity(renderActivity(offerDeclinedMessage(offer.filename, locale)));
    });
  }

  /**
   * Finds the offer an answer is about. One that expired, never existed or was made to someone
   * else gets a friendly note and nothing more. Teams is always answered 200: the person has
   * been told what happened in the chat.
   */
  private async answerOffer(
    context: TurnContext,
    response: FileConsentCardResponse,
    work: (offer: FileOffer) => Promise<void>,
  ): Promise<void> {
    try {
      const id = offerIdOf(response);
      const offer = id ? await this.options.offers.find(id) : undefined;
      if (!offer || !ownsOffer(offer, teamsIdentity(context.activity))) {
        this.options.logger.info(
          { found: Boolean(offer), action: response?.action },
          "A file offer was answered that is not open to this person",
        );
        await context.sendActivity(renderActivity(offerGoneMessage(this.localeOf(context))));
        return;
      }
      await work(offer);
    } catch (error) {
      this.options.logger.error({ err: describeError(error) }, "Teams file consent failed");
      await context.sendActivity(renderActivity(sorryMessage(this.localeOf(context))));
    }
  }

  /** The person's language: the one the core last answered them in, else their client's. */
  private localeOf(context: TurnContext): string | undefined {
    return personLocale(this.options.core, context.activity);
  }
}
