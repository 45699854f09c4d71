import type { Message } from "./messages/model.ts";

/** Where a message goes: a person's DM or a channel, on the platform that owns it. */
export type Destination =
  /** `platformUserId`, when the sender has it at hand, spares the messenger looking it up. */
  | { kind: "user"; userId: number; platformUserId?: string }
  | { kind: "channel"; workspaceId: number; channelId: string };

export interface Delivery {
  /** Platform reference to the sent message, so it can be updated in place later. */
  ref: string;
}

/** Delivers neutral messages. Implemented by each platform adapter. */
export interface Messenger {
  send(to: Destination, message: Message): Promise<Delivery>;
  update(to: Destination, ref: string, message: Message): Promise<void>;
  /**
   * Finds a message sent to `to` since `since` whose content carries `key` (a button value), so a
   * sender that died before recording a delivery can tell whether it arrived. Optional: platforms
   * that can't look back resend instead.
   */
  findSent?(to: Destination, key: string, since: Date): Promise<Delivery | null>;
}

/** Profile facts a platform can tell about one of its users. */
export interface PlatformProfile {
  displayName: string;
  email: string | null;
  timeZone: string | null;
}

/** Queues background work by job name; the jobs layer decides which queue runs it. */
export interface JobQueue {
  enqueue(
    job: string,
    data: Record<string, unknown>,
    options?: { id?: string; delayMs?: number },
  ): Promise<void>;
}
