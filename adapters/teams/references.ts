import type { Activity, ConversationReference } from "botbuilder";
import type { Kysely } from "kysely";
import { sql } from "kysely";
import type { Database } from "../../src/db/types.ts";

export type ReferenceKey = {
  tenantId: string;
  kind: "personal" | "channel";
  key: string;
  /** The team a channel is in, so removing the bot from the team forgets all its channels. */
  teamId?: string | undefined;
};

/** A conversation's base id: channel replies carry ";messageid=…" for their thread. */
export function baseConversationId(id: string): string {
  const cut = id.indexOf(";messageid=");
  return cut < 0 ? id : id.slice(0, cut);
}

export function tenantOf(activity: Partial<Activity>): string | undefined {
  const channelData = activity.channelData as { tenant?: { id?: string } } | undefined;
  return activity.conversation?.tenantId ?? channelData?.tenant?.id;
}

/**
 * Where a stored reference belongs: a personal chat by the person's AAD object id, anything else
 * by its channel (a team's channel, or a group chat), never by a reply thread.
 */
export function referenceKey(activity: Partial<Activity>): ReferenceKey | undefined {
  const tenantId = tenantOf(activity);
  const conversation = activity.conversation;
  if (!tenantId || !conversation?.id) return undefined;
  if (conversation.conversationType === "personal") {
    const aad = activity.from?.aadObjectId;
    return aad ? { tenantId, kind: "personal", key: aad } : undefined;
  }
  const channelData = activity.channelData as
    | { channel?: { id?: string }; team?: { id?: string } }
    | undefined;
  return {
    tenantId,
    kind: "channel",
    key: channelData?.channel?.id ?? baseConversationId(conversation.id),
    teamId: channelData?.team?.id,
  };
}

/** Conversation references in PostgreSQL, so proactive sends survive restarts and scale out. */
export class ConversationReferenceStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Stores or refreshes a reference; the service URL of a tenant can change over time. */
  async save(key: ReferenceKey, reference: Partial<ConversationReference>): Promise<void> {
    const stored: Partial<ConversationReference> = {
      ...reference,
      // Proactive posts start a new message in the channel, not a reply in some old thread.
      ...(reference.conversation
        ? {
            conversation: {
              ...reference.conversation,
              id: key.kind === "channel" ? key.key : reference.conversation.id,
            },
          }
        : {}),
    };
    delete stored.activityId;
    const json = JSON.stringify(stored);
    const teamId = key.teamId ?? null;
    await this.db
      .insertInto("teams_conversation_references")
      .values({
        tenant_id: key.tenantId,
        kind: key.kind,
        key: key.key,
        reference: json,
        team_id: teamId,
      })
      .onConflict((oc) =>
        oc
          .columns(["tenant_id", "kind", "key"])
          .doUpdateSet({
            reference: json,
            team_id: sql<string | null>`coalesce(${teamId}, teams_conversation_references.team_id)`,
            updated_at: sql<string>`now()`,
          })
          .where(
            sql<boolean>`teams_conversation_references.reference <> ${json}::jsonb
              or teams_conversation_references.team_id is distinct from coalesce(${teamId}, teams_conversation_references.team_id)`,
          ),
      )
      .execute();
  }

  /** Forgets every channel of a team, as when the bot is removed from it. */
  async removeTeam(tenantId: string, teamId: string): Promise<void> {
    await this.db
      .deleteFrom("teams_conversation_references")
      .where("tenant_id", "=", tenantId)
      .where("kind", "=", "channel")
      .where((eb) => eb.or([eb("team_id", "=", teamId), eb("key", "=", teamId)]))
      .execute();
  }

  async remove(key: ReferenceKey): Promise<void> {
    await this.db
      .deleteFrom("teams_conversation_references")
      .where("tenant_id", "=", key.tenantId)
      .where("kind", "=", key.kind)
      .where("key", "=", key.key)
      .execute();
  }

  async find(key: ReferenceKey): Promise<Partial<ConversationReference> | undefined> {
    const row = await this.db
      .selectFrom("teams_conversation_references")
      .where("tenant_id", "=", key.tenantId)
      .where("kind", "=", key.kind)
      .where("key", "=", key.key)
      .select("reference")
      .executeTakeFirst();
    return row?.reference;
  }

  /**
   * The personal chat of one of our users, found through their workspace (the tenant), and the
   * Teams identity it is keyed by.
   */
  async personalChat(userId: number): Promise<
    | {
        reference: Partial<ConversationReference>;
        tenantId: string;
        aadObjectId: string;
      }
    | undefined
  > {
    const row = await this.db
      .selectFrom("users")
      .innerJoin("workspaces", "workspaces.id", "users.workspace_id")
      .innerJoin("teams_conversation_references as r", (join) =>
        join
          .onRef("r.tenant_id", "=", "workspaces.external_id")
          .onRef("r.key", "=", "users.platform_user_id")
          .on("r.kind", "=", "personal"),
      )
      .where("users.id", "=", userId)
      .where("workspaces.platform", "=", "teams")
      .select(["r.reference", "r.tenant_id", "r.key"])
      .executeTakeFirst();
    return row && { reference: row.reference, tenantId: row.tenant_id, aadObjectId: row.key };
  }

  /** A channel in one of our workspaces, and the tenant it is in. */
  async forChannel(
    workspaceId: number,
    channelId: string,
  ): Promise<{ reference: Partial<ConversationReference>; tenantId: string } | undefined> {
    const row = await this.db
      .selectFrom("workspaces")
      .innerJoin("teams_conversation_references as r", "r.tenant_id", "workspaces.external_id")
      .where("workspaces.id", "=", workspaceId)
      .where("workspaces.platform", "=", "teams")
      .where("r.kind", "=", "channel")
      .where("r.key", "=", baseConversationId(channelId))
      .select(["r.reference", "r.tenant_id"])
      .executeTakeFirst();
    return row && { reference: row.reference, tenantId: row.tenant_id };
  }
}
