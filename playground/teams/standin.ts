import type { IncomingMessage, ServerResponse } from "node:http";
import type { StandInUser } from "../slack/records.ts";
import { activityFrom, type Place, typedMessage } from "./activities.ts";
import { handleConnector } from "./connector.ts";
import { BOT, personalChatId, TEAM, TENANT_ID } from "./identity.ts";
import { TeamsState } from "./state.ts";

export type { Place } from "./activities.ts";
export { TENANT_ID } from "./identity.ts";

/** A card button the person chose, with the data the card gave it (its inputs merged in). */
export interface CardAction {
  type: "Action.Submit" | "Action.Execute";
  data: unknown;
  verb?: string;
}

export interface TeamsResult {
  status: number;
  body: string;
}

/**
 * A local stand-in for Microsoft Teams: it posts Bot Framework activities to the bot's
 * /api/messages as Teams does (messages, card submissions, installs), and serves the Bot
 * Connector API at the serviceUrl those activities carry, where the bot's replies, proactive
 * messages and card updates arrive. Unauthenticated, as the Teams adapter is on a local machine.
 */
export class TeamsStandIn extends TeamsState {
  /** The activities' serviceUrl, ending in "/". */
  readonly serviceUrl: string;
  private readonly messagesUrl: string;
  private teamJoined: Promise<void> | undefined;
  private readonly installed: ((installer: StandInUser) => Promise<void>) | undefined;

  constructor(options: {
    /** Where the Bot Connector stand-in is served, e.g. http://127.0.0.1:3000/playground/teams. */
    baseUrl: string;
    /** The bot's messaging endpoint, e.g. http://127.0.0.1:3000/api/messages. */
    messagesUrl: string;
    users: () => Iterable<StandInUser>;
    now: () => Date;
    /** Called with the admin who adds the app to the team, before Teams tells the bot. */
    installed?: (installer: StandInUser) => Promise<void>;
  }) {
    super(options.users, options.now);
    this.installed = options.installed;
    this.serviceUrl = `${options.baseUrl.replace(/\/+$/, "")}/`;
    this.messagesUrl = options.messagesUrl;
  }

  /** Serves the Bot Connector API under this stand-in's base path. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    return handleConnector(this, req, res, path);
  }

  /** Posts one activity to the bot; the bot has answered through the connector when it returns. */
  async post(activity: Record<string, unknown>): Promise<TeamsResult> {
    const res = await fetch(this.messagesUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(activity),
    });
    return { status: res.status, body: await res.text() };
  }

  private from(key: string, place: Place, fields: Record<string, unknown> & { id?: string }) {
    return activityFrom(this.person(key), place, {
      id: this.nextId(),
      serviceUrl: this.serviceUrl,
      timestamp: this.now().toISOString(),
      ...fields,
    });
  }

  /** The person types `text` in their personal chat or a channel, and sends it. */
  async say(key: string, place: Place, text: string): Promise<TeamsResult> {
    await this.joinTeam();
    const typed = typedMessage(text, this.people(), place.kind === "channel");
    const conversation = place.kind === "channel" ? place.id : personalChatId(key);
    const shown = this.add({ conversation, from: key, text, attachments: [] });
    // A new post in a channel starts its own thread.
    const at: Place = place.kind === "channel" ? { ...place, thread: shown.id } : place;
    return this.post(this.from(key, at, { ...typed, id: shown.id }));
  }

  /**
   * The person chooses a card's button. Action.Submit comes to the bot as a message whose value
   * is the button's data and whose replyToId is the card; Action.Execute as an
   * adaptiveCard/action invoke, whose answer may replace the card.
   */
  async act(key: string, place: Place, cardId: string, action: CardAction): Promise<TeamsResult> {
    await this.joinTeam();
    const at: Place = place.kind === "channel" ? { ...place, thread: cardId } : place;
    if (action.type === "Action.Submit") {
      return this.post(this.from(key, at, { replyToId: cardId, value: action.data ?? {} }));
    }
    const result = await this.post(
      this.from(key, at, {
        type: "invoke",
        name: "adaptiveCard/action",
        replyToId: cardId,
        value: {
          action: { type: "Action.Execute", verb: action.verb, data: action.data ?? {} },
          trigger: "manual",
        },
      }),
    );
    this.applyInvokeAnswer(place, key, cardId, result);
    return result;
  }

  /** An Action.Execute answered with a card replaces the card, as Teams shows it. */
  private applyInvokeAnswer(place: Place, key: string, cardId: string, result: TeamsResult) {
    let answer: { type?: string; value?: unknown } | undefined;
    try {
      answer = JSON.parse(result.body) as { type?: string; value?: unknown };
    } catch {
      return;
    }
    if (answer?.type !== "application/vnd.microsoft.card.adaptive") return;
    const conversation = place.kind === "channel" ? place.id : personalChatId(key);
    this.update(conversation, cardId, {
      attachments: [{ contentType: answer.type, content: answer.value }],
    });
  }

  /** The app is added to the team once, so the bot knows its channels before anyone posts. */
  joinTeam(): Promise<void> {
    this.teamJoined ??= this.addToTeam().catch((error: unknown) => {
      this.teamJoined = undefined;
      throw error;
    });
    return this.teamJoined;
  }

  private async addToTeam(): Promise<void> {
    const users = [...this.users()];
    const admin = users.find((u) => u.is_admin) ?? users[0];
    if (!admin) return;
    await this.installed?.(admin);
    const installer = this.person(admin.id);
    const result = await this.post(
      this.from(
        installer.key,
        { kind: "channel", id: TEAM.id },
        {
          type: "conversationUpdate",
          membersAdded: [{ id: BOT.id }],
          channelData: {
            tenant: { id: TENANT_ID },
            team: { ...TEAM },
            eventType: "teamMemberAdded",
          },
        },
      ),
    );
    if (result.status >= 300)
      throw new Error(`The bot refused the team install (${result.status}).`);
  }

  /**
   * The app installed for everyone, as an admin's setup policy does: the team, and each person's
   * personal scope, so check-ins reach people who never wrote to the bot.
   */
  async installForEveryone(): Promise<void> {
    await this.joinTeam();
    for (const person of this.people()) {
      await this.post(
        this.from(person.key, { kind: "personal" }, { type: "installationUpdate", action: "add" }),
      );
    }
  }
}
