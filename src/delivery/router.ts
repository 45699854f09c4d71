import type { Kysely } from "kysely";
import { anyOf } from "../db/arrays.ts";
import type { Database, Platform } from "../db/types.ts";
import type { Message } from "../messages/model.ts";
import type { Delivery, Destination, Messenger, SendOptions } from "../ports.ts";

export class NoMessengerError extends Error {}

const MAX_REMEMBERED = 200_000;

/**
 * A lookup by our user id whose answers never change: lookups made in the same turn share one
 * query, and answers are kept.
 */
function batchedUserLookup<T>(
  fetch: (ids: number[]) => Promise<Map<number, T>>,
): (userId: number) => Promise<T> {
  const known = new Map<number, T>();
  let waiting = new Map<number, { resolve: (v: T) => void; reject: (e: Error) => void }[]>();
  async function flush() {
    const batch = waiting;
    waiting = new Map();
    try {
      const rows = await fetch([...batch.keys()]);
      if (known.size + rows.size > MAX_REMEMBERED) known.clear();
      for (const [id, value] of rows) known.set(id, value);
      for (const [id, waiters] of batch) {
        const found = known.get(id);
        for (const w of waiters) {
          if (found !== undefined) w.resolve(found);
          else w.reject(new NoMessengerError(`No user ${id}`));
        }
      }
    } catch (error) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(error as Error);
    }
  }
  return (userId) => {
    const found = known.get(userId);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      if (waiting.size === 0) setImmediate(() => void flush());
      const list = waiting.get(userId) ?? [];
      list.push({ resolve, reject });
      waiting.set(userId, list);
    });
  };
}

/**
 * Our user id → the platform's id for them (never changes), for adapters that address people by
 * it. Lookups made in the same turn share one query, and answers are kept.
 */
export function platformUserIds(db: Kysely<Database>): (userId: number) => Promise<string> {
  return batchedUserLookup(async (ids) => {
    const rows = await db
      .selectFrom("users")
      .where("id", "=", anyOf(ids, "int"))
      .select(["id", "platform_user_id"])
      .execute();
    return new Map(rows.map((r) => [r.id, r.platform_user_id]));
  });
}

/**
 * The platform's id of the workspace a destination belongs to (a person's workspace, or the
 * channel's), for adapters that act per workspace. Never changes, so answers are kept.
 */
export function workspaceExternalIds(db: Kysely<Database>): (to: Destination) => Promise<string> {
  const ofUser = batchedUserLookup(async (ids) => {
    const rows = await db
      .selectFrom("users")
      .innerJoin("workspaces", "workspaces.id", "users.workspace_id")
      .where("users.id", "=", anyOf(ids, "int"))
      .select(["users.id", "workspaces.external_id"])
      .execute();
    return new Map(rows.map((r) => [r.id, r.external_id]));
  });
  const workspaces = new Map<number, Promise<string>>();
  return (to) => {
    if (to.kind === "user") return ofUser(to.userId);
    let known = workspaces.get(to.workspaceId);
    if (!known) {
      known = db
        .selectFrom("workspaces")
        .where("id", "=", to.workspaceId)
        .select("external_id")
        .executeTakeFirst()
        .then((row) => {
          if (!row) throw new NoMessengerError(`No workspace ${to.workspaceId}`);
          return row.external_id;
        });
      // A failed lookup is not remembered.
      known.catch(() => workspaces.delete(to.workspaceId));
      if (workspaces.size >= MAX_REMEMBERED) workspaces.clear();
      workspaces.set(to.workspaceId, known);
    }
    return known;
  };
}

/** Sends through the adapter of the platform that owns the person or channel. */
export class MessengerRouter implements Messenger {
  private readonly byPlatform = new Map<Platform, Messenger>();

  constructor(private readonly db: Kysely<Database>) {}

  register(platform: Platform, messenger: Messenger): this {
    this.byPlatform.set(platform, messenger);
    return this;
  }

  /** A person's workspace, hence platform, never changes: looked up once per person. */
  private readonly userPlatforms = new Map<number, Platform>();

  private async platformOf(to: Destination): Promise<Platform> {
    const known = to.kind === "user" ? this.userPlatforms.get(to.userId) : undefined;
    if (known) return known;
    const row =
      to.kind === "user"
        ? await this.db
            .selectFrom("users")
            .innerJoin("workspaces", "workspaces.id", "users.workspace_id")
            .where("users.id", "=", to.userId)
            .select("workspaces.platform")
            .executeTakeFirst()
        : await this.db
            .selectFrom("workspaces")
            .where("id", "=", to.workspaceId)
            .select("platform")
            .executeTakeFirst();
    if (!row) throw new NoMessengerError(`No workspace for ${JSON.stringify(to)}`);
    if (to.kind === "user") {
      if (this.userPlatforms.size >= MAX_REMEMBERED) this.userPlatforms.clear();
      this.userPlatforms.set(to.userId, row.platform);
    }
    return row.platform;
  }

  private async messengerFor(to: Destination): Promise<Messenger> {
    const platform = await this.platformOf(to);
    const messenger = this.byPlatform.get(platform);
    if (!messenger) throw new NoMessengerError(`${platform} is not connected`);
    return messenger;
  }

  async send(to: Destination, message: Message, options?: SendOptions): Promise<Delivery> {
    return (await this.messengerFor(to)).send(to, message, options);
  }

  async update(to: Destination, ref: string, message: Message): Promise<void> {
    return (await this.messengerFor(to)).update(to, ref, message);
  }

  async findSent(to: Destination, key: string, since: Date): Promise<Delivery | null> {
    const messenger = await this.messengerFor(to);
    return messenger.findSent ? messenger.findSent(to, key, since) : null;
  }
}
