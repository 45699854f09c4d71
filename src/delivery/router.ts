import type { Kysely } from "kysely";
import type { Database, Platform } from "../db/types.ts";
import type { Message } from "../messages/model.ts";
import type { Delivery, Destination, Messenger } from "../ports.ts";

export class NoMessengerError extends Error {}

/** Sends through the adapter of the platform that owns the person or channel. */
export class MessengerRouter implements Messenger {
  private readonly byPlatform = new Map<Platform, Messenger>();

  constructor(private readonly db: Kysely<Database>) {}

  register(platform: Platform, messenger: Messenger): this {
    this.byPlatform.set(platform, messenger);
    return this;
  }

  private async platformOf(to: Destination): Promise<Platform> {
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
    return row.platform;
  }

  private async messengerFor(to: Destination): Promise<Messenger> {
    const platform = await this.platformOf(to);
    const messenger = this.byPlatform.get(platform);
    if (!messenger) throw new NoMessengerError(`${platform} is not connected`);
    return messenger;
  }

  async send(to: Destination, message: Message): Promise<Delivery> {
    return (await this.messengerFor(to)).send(to, message);
  }

  async update(to: Destination, ref: string, message: Message): Promise<void> {
    return (await this.messengerFor(to)).update(to, ref, message);
  }
}
