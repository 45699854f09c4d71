// Tables only the platform adapters read (Slack installations, Teams conversations and files);
// part of the Database type in ../types.ts.
import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

/** Add to Slack: one row per installation (a workspace, or an Enterprise Grid organisation). */
export interface SlackInstallationsTable {
  id: Generated<number>;
  installation_key: string;
  team_id: string | null;
  enterprise_id: string | null;
  is_enterprise_install: Generated<boolean>;
  workspace_id: number | null;
  app_id: string | null;
  bot_token_encrypted: Buffer;
  token_key_id: string;
  bot_user_id: string;
  bot_id: string;
  scopes: Generated<string[]>;
  installer_user_id: string;
  /** Token rotation only: the refresh token, sealed like the bot token; null without rotation. */
  refresh_token_encrypted: Buffer | null;
  /** Token rotation only: when the bot token stops working. */
  bot_token_expires_at: Date | null;
  installed_at: CreatedAt;
  updated_at: Timestamp;
}

/** Teams: where proactive messages go, by tenant and person or channel. */
export interface TeamsConversationReferencesTable {
  id: Generated<number>;
  tenant_id: string;
  kind: "personal" | "channel";
  key: string;
  /** Bot Framework's ConversationReference, as JSON. */
  reference: ColumnType<Record<string, unknown>, string, string>;
  /** The team a channel belongs to; null for personal and group chats. */
  team_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, string | undefined, string>;
}

/** Teams: files offered through a file consent card, until the person answers. */
export interface TeamsFileOffersTable {
  id: string;
  tenant_id: string;
  aad_object_id: string;
  filename: string;
  content_type: string;
  data: ColumnType<Buffer, Buffer, never>;
  created_at: ColumnType<Date, never, never>;
}

export interface TeamsImagesTable {
  id: string;
  tenant_id: string;
  content_type: string;
  data: ColumnType<Buffer, Buffer, never>;
  created_at: ColumnType<Date, never, never>;
}
