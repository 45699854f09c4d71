import type { StandInUser } from "../slack/records.ts";
import { CHANNELS, personalChatId, TEAM, type TeamsPerson, teamsPerson } from "./identity.ts";

/** One message in a chat or channel, as the page shows it. */
export interface TeamsMessage {
  id: string;
  /** The conversation's base id: a personal chat, or a team channel. */
  conversation: string;
  /** "bot", or the playground id of the person who wrote it. */
  from: string;
  text: string;
  /** The activity's attachments as the bot sent them: Adaptive Cards, inline images, files. */
  attachments: unknown[];
  at: string;
  updatedAt?: string;
}

/** A conversation's base id: channel posts and replies carry ";messageid=…" for their thread. */
export function baseId(id: string): string {
  const cut = id.indexOf(";messageid=");
  return cut < 0 ? id : id.slice(0, cut);
}

/**
 * The pretend tenant's messages and people. The people are the Slack view's own, so both
 * platforms show the same organisation; Teams gives them its own kinds of ids.
 */
export class TeamsState {
  readonly messages: TeamsMessage[] = [];
  /** Counts every change, so the page redraws only what changed. */
  version = 0;
  private counter = 0;

  constructor(
    protected readonly users: () => Iterable<StandInUser>,
    readonly now: () => Date,
  ) {}

  people(): TeamsPerson[] {
    return [...this.users()].map(teamsPerson);
  }

  person(key: string): TeamsPerson {
    const found = this.people().find((p) => p.key === key);
    if (!found) throw new Error(`No such person in the playground: ${key}`);
    return found;
  }

  /** A person by their chat member id or AAD object id, as the roster is asked. */
  member(id: string): TeamsPerson | undefined {
    return this.people().find((p) => p.id === id || p.aadObjectId === id);
  }

  /** A message id in Teams' style: a number that grows. */
  nextId(): string {
    this.counter += 1;
    return String(this.now().getTime() * 1000 + (this.counter % 1000));
  }

  add(message: Omit<TeamsMessage, "id" | "at"> & { id?: string }): TeamsMessage {
    const added = { ...message, id: message.id ?? this.nextId(), at: this.now().toISOString() };
    this.messages.push(added);
    this.version += 1;
    return added;
  }

  /** Replaces a message's text and attachments, as an update does; false when it isn't there. */
  update(conversation: string, id: string, activity: Record<string, unknown>): boolean {
    const message = this.messages.find((m) => m.id === id && m.conversation === conversation);
    if (!message) return false;
    message.text = String(activity.text ?? "");
    message.attachments = Array.isArray(activity.attachments) ? activity.attachments : [];
    message.updatedAt = this.now().toISOString();
    this.version += 1;
    return true;
  }

  /** What one person sees: their personal chat with the bot, then the team's channels. */
  snapshot(key: string) {
    const me = this.people().find((p) => p.key === key) ?? null;
    const personal = me
      ? [{ id: personalChatId(me.key), name: "Stackup", kind: "personal" as const }]
      : [];
    const channels = CHANNELS.map((c) => ({ id: c.id, name: c.name, kind: "channel" as const }));
    return {
      me,
      people: this.people().map((p) => ({ key: p.key, name: p.name })),
      team: TEAM.name,
      version: this.version,
      conversations: [...personal, ...channels].map((c) => ({
        ...c,
        messages: this.messages.filter((m) => m.conversation === c.id),
      })),
    };
  }
}
