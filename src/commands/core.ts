import type { Platform } from "../db/types.ts";
import type { Message, Reply } from "../messages/model.ts";
import type { PlatformProfile } from "../ports.ts";

/** Who is asking, as the platform identifies them. */
export interface Actor {
  platform: Platform;
  workspaceExternalId: string;
  workspaceName?: string;
  userExternalId: string;
  /** The shared channel the request was made in, if any: what an admin means by "here". */
  channel?: { id: string; name: string | null };
  /** Looks the person up on the platform; called on first contact only. */
  profile: () => Promise<PlatformProfile>;
}

/** The platform-neutral entry points every adapter calls. */
export interface Core {
  /** `text` is what follows the command word, e.g. "goal AI for Everyone by May 1". */
  command(actor: Actor, text: string): Promise<Reply>;
  /** A button click: the button's action id and value. */
  action(actor: Actor, action: string, value: string): Promise<Reply>;
  /** A submitted form: its id, state and the values by input id. */
  submit(
    actor: Actor,
    formId: string,
    state: string | undefined,
    values: Record<string, string | undefined>,
  ): Promise<FormResult>;
  /** The user's dashboard (Slack App Home, Teams personal tab). */
  home(actor: Actor): Promise<Message>;
  /** A file the person shared in their direct messages with the bot, e.g. a badge. */
  file(actor: Actor, file: SharedFile): Promise<Reply>;
  /**
   * The language the person was last answered in, else their workspace's, from memory: for
   * replies made without the core's work (busy, database down). Undefined when not known.
   */
  localeOf?(
    person: Pick<Actor, "platform" | "workspaceExternalId" | "userExternalId">,
  ): string | undefined;
  /**
   * The platform says a person's profile changed (name, time zone, language): it is read again
   * at their next request. Nothing happens for someone who never used Stackup.
   */
  profileChanged?(
    person: Pick<Actor, "platform" | "workspaceExternalId" | "userExternalId">,
  ): Promise<void>;
  /** The command words the core knows, so metrics can name them without naming anything else. */
  verbs?(): readonly string[];
}

/** A file shared with the bot. Downloading is left to the core, so unwanted files never are. */
export interface SharedFile {
  name: string;
  /** The MIME type the platform reports. */
  contentType: string;
  /** The size the platform reports, in bytes. */
  size: number;
  /**
   * Downloads the file, reading at most `limit` bytes plus one: a longer result means the file
   * is larger than the limit.
   */
  bytes(limit: number): Promise<Uint8Array>;
}

/** A form submission either closes the form with a reply, or shows errors by input id. */
export type FormResult = { ok: true; reply: Reply } | { ok: false; errors: Record<string, string> };
