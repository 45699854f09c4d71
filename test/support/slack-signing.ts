import { createHmac } from "node:crypto";

export const TEST_SIGNING_SECRET = "test-signing-secret-0123456789abcdef";

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/** Signs a raw body the way Slack does: v0 HMAC-SHA256 of `v0:${timestamp}:${body}`. */
export function sign(
  body: string,
  options: { secret?: string; timestamp?: number; contentType?: string } = {},
): SignedRequest {
  const secret = options.secret ?? TEST_SIGNING_SECRET;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
  return {
    body,
    headers: {
      "content-type": options.contentType ?? "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": signature,
    },
  };
}

export interface SlashCommandInput {
  text: string;
  responseUrl: string;
  command?: string;
  userId?: string;
  userName?: string;
  teamId?: string;
  teamDomain?: string;
  channelId?: string;
  channelName?: string;
  triggerId?: string;
}

/** The form-encoded body Slack posts for a slash command. */
export function slashCommandBody(input: SlashCommandInput): string {
  return new URLSearchParams({
    token: "deprecated-verification-token",
    team_id: input.teamId ?? "T0FAKE",
    team_domain: input.teamDomain ?? "fake-team",
    channel_id: input.channelId ?? "C0GENERAL",
    channel_name: input.channelName ?? "general",
    user_id: input.userId ?? "U0ALICE",
    user_name: input.userName ?? "alice",
    command: input.command ?? "/learn",
    text: input.text,
    api_app_id: "A0STACKUP",
    is_enterprise_install: "false",
    response_url: input.responseUrl,
    trigger_id: input.triggerId ?? "1337.42.abcdef",
  }).toString();
}

/** The form-encoded `payload=` body Slack posts for interactivity. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface BlockActionInput {
  actionId: string;
  value: string;
  responseUrl?: string;
  userId?: string;
  teamId?: string;
  channelId?: string;
  messageTs?: string;
  ephemeral?: boolean;
  /** Clicked inside the App Home tab rather than a message. */
  home?: boolean;
}

export function blockActionsPayload(input: BlockActionInput): Record<string, unknown> {
  const user = {
    id: input.userId ?? "U0ALICE",
    username: "alice",
    name: "alice",
    team_id: input.teamId ?? "T0FAKE",
  };
  const team = { id: input.teamId ?? "T0FAKE", domain: "fake-team" };
  const action = {
    type: "button",
    action_id: input.actionId,
    block_id: "b1",
    text: { type: "plain_text", text: "Button" },
    value: input.value,
    action_ts: "1700000000.000100",
  };
  if (input.home) {
    return {
      type: "block_actions",
      user,
      api_app_id: "A0STACKUP",
      team,
      container: { type: "view", view_id: "V0HOME" },
      trigger_id: "1337.43.home",
      view: { id: "V0HOME", type: "home", callback_id: "", private_metadata: "", blocks: [] },
      actions: [action],
    };
  }
  const channel = input.channelId ?? "C0GENERAL";
  const ts = input.messageTs ?? "1700000000.000001";
  return {
    type: "block_actions",
    user,
    api_app_id: "A0STACKUP",
    team,
    container: {
      type: "message",
      message_ts: ts,
      channel_id: channel,
      is_ephemeral: input.ephemeral ?? false,
    },
    trigger_id: "1337.43.abcdef",
    channel: { id: channel, name: "general" },
    ...(input.ephemeral ? {} : { message: { type: "message", ts, text: "old", blocks: [] } }),
    response_url: input.responseUrl,
    actions: [action],
  };
}

export interface ViewSubmissionInput {
  callbackId: string;
  privateMetadata?: string;
  /** Input values by block id; each is { type, value } as Slack puts them in view.state. */
  values: Record<string, Record<string, unknown>>;
  blockIds?: string[];
  userId?: string;
}

export function viewSubmissionPayload(input: ViewSubmissionInput): Record<string, unknown> {
  const state: Record<string, Record<string, unknown>> = {};
  for (const [blockId, element] of Object.entries(input.values))
    state[blockId] = { [blockId]: element };
  return {
    type: "view_submission",
    team: { id: "T0FAKE", domain: "fake-team" },
    user: { id: input.userId ?? "U0ALICE", username: "alice", name: "alice", team_id: "T0FAKE" },
    api_app_id: "A0STACKUP",
    trigger_id: "1337.44.abcdef",
    view: {
      id: "V0MODAL",
      type: "modal",
      callback_id: input.callbackId,
      private_metadata: input.privateMetadata ?? "",
      blocks: (input.blockIds ?? Object.keys(input.values)).map((id) => ({
        type: "input",
        block_id: id,
      })),
      state: { values: state },
      hash: "1700000000.abc",
    },
    response_urls: [],
  };
}

/** An Events API envelope, sent as JSON. */
export function eventBody(event: Record<string, unknown>, teamId = "T0FAKE"): string {
  return JSON.stringify({
    token: "deprecated-verification-token",
    team_id: teamId,
    api_app_id: "A0STACKUP",
    event,
    type: "event_callback",
    event_id: `Ev${Math.random().toString(36).slice(2, 10).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: teamId, user_id: "U0BOT", is_bot: true }],
  });
}
