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
/** How a send may be bounded by its caller. */
export interface SendOptions {
  /**
   * Epoch ms after which the message must not start going out (a claim's safe half runs out then):
   * one not yet written is dropped as not delivered. Platforms that can't tell may ignore it.
   */
  writeBy?: number;
}

export interface Messenger {
  send(to: Destination, message: Message, options?: SendOptions): Promise<Delivery>;
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
  /** The platform calls them an admin of the workspace (Slack owners and admins). */
  isAdmin?: boolean;
  /** The language of their client (BCP 47, e.g. "de-DE"), when the platform says. */
  locale?: string | null;
}

/** How one queued job is told apart and when it may start. */
export interface EnqueueOptions {
  /** Jobs with the same id are queued once. */
  id?: string;
  delayMs?: number;
}

/** One job of a batch: its name, its data and how it is queued. */
export type QueuedJob<Jobs extends object> = {
  [N in keyof Jobs & string]: { job: N; data: Jobs[N] } & EnqueueOptions;
}[keyof Jobs & string];

/**
 * Queues background work by job name; the jobs layer decides which queue runs it and how it is
 * retried. `Jobs` maps each job name a caller may queue to the data it carries.
 */
export interface JobQueue<Jobs extends object = Record<string, Record<string, unknown>>> {
  enqueue<N extends keyof Jobs & string>(
    job: N,
    data: Jobs[N],
    options?: EnqueueOptions,
  ): Promise<void>;
  /** Several jobs in one round trip (queues that can; see BatchJobQueue). */
  enqueueMany?(jobs: QueuedJob<Jobs>[]): Promise<void>;
}

/** A queue that takes batches: what scheduled work fanning out into many jobs needs. */
export type BatchJobQueue<Jobs extends object> = Required<JobQueue<Jobs>>;

/** The data of a job that needs none (a scheduler's tick). */
export type NoData = Record<string, never>;
