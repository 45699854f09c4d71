import { createHmac } from "node:crypto";
import {
  BOT_USER_ID,
  type ClickInput,
  type EventResult,
  type ShareFileInput,
  type StandInMessage,
  TEAM_ID,
} from "./records.ts";
import type { StandInState } from "./state.ts";

/** What a person does in Slack, sent to the bot signed, as Slack sends it. */

function sign(s: StandInState, body: string, contentType: string): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac("sha256", s.signingSecret)
    .update(`v0:${timestamp}:${body}`)
    .digest("hex")}`;
  return {
    "content-type": contentType,
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": signature,
  };
}

async function post(s: StandInState, body: string, contentType: string): Promise<EventResult> {
  if (!s.eventsUrl) throw new Error("The stand-in does not know where the bot listens.");
  const res = await fetch(s.eventsUrl, {
    method: "POST",
    body,
    headers: sign(s, body, contentType),
  });
  return { status: res.status, body: await res.text() };
}

/**
 * Slack escapes mentions in a command's text when the manifest asks it to (should_escape):
 * `@ada` becomes `<@U123|ada>` and `#learning` becomes `<#C123|learning>`.
 */
export function escapeMentions(s: StandInState, text: string): string {
  return text.replace(
    /(^|\s)([@#])([\w.-]+)/g,
    (whole, space: string, sigil: string, name: string) => {
      const lower = name.toLowerCase();
      if (sigil === "@") {
        const user = [...s.users.values()].find((u) => u.name.toLowerCase() === lower);
        return user ? `${space}<@${user.id}|${user.name}>` : whole;
      }
      const channel = [...s.channels.values()].find((c) => !c.isIm && c.name === lower);
      return channel ? `${space}<#${channel.id}|${channel.name}>` : whole;
    },
  );
}

/** Types `/learn <text>` in a channel (the person's DM with the bot by default). */
export function slash(
  s: StandInState,
  userId: string,
  text: string,
  channel?: string,
  command = "/learn",
): Promise<EventResult> {
  const user = s.person(userId);
  const channelId = channel ?? s.dmChannel(userId);
  const body = new URLSearchParams({
    token: "unused-verification-token",
    team_id: TEAM_ID,
    team_domain: "playground",
    channel_id: channelId,
    channel_name: s.channels.get(channelId)?.name ?? "directmessage",
    user_id: user.id,
    user_name: user.name,
    command,
    text: escapeMentions(s, text),
    api_app_id: "A0STACKUP",
    is_enterprise_install: "false",
    response_url: s.responseUrl({ user: user.id, channel: channelId }),
    trigger_id: s.trigger(user.id),
  }).toString();
  return post(s, body, "application/x-www-form-urlencoded");
}

/** Clicks a button in a message, the App Home tab or an open modal. */
export function click(s: StandInState, input: ClickInput): Promise<EventResult> {
  const user = s.person(input.user);
  const action = {
    type: "button",
    action_id: input.actionId,
    block_id: input.blockId ?? "b",
    text: { type: "plain_text", text: "button" },
    value: input.value,
    action_ts: `${Math.floor(Date.now() / 1000)}.000100`,
  };
  const base = {
    type: "block_actions",
    user: { id: user.id, username: user.name, name: user.name, team_id: TEAM_ID },
    api_app_id: "A0STACKUP",
    team: { id: TEAM_ID, domain: "playground" },
    trigger_id: s.trigger(user.id),
    actions: [action],
  };
  let payload: Record<string, unknown>;
  if (input.message) {
    const m = s.messages.find(
      (x) => x.channel === input.message?.channel && x.ts === input.message.ts,
    );
    if (!m) throw new Error("That message is gone.");
    payload = {
      ...base,
      container: {
        type: "message",
        message_ts: m.ts,
        channel_id: m.channel,
        is_ephemeral: Boolean(m.ephemeralFor),
      },
      channel: { id: m.channel, name: s.channels.get(m.channel)?.name ?? "" },
      ...(m.ephemeralFor
        ? {}
        : { message: { type: "message", ts: m.ts, text: m.text, blocks: m.blocks } }),
      response_url: s.responseUrl({ user: user.id, channel: m.channel, ts: m.ts }),
    };
  } else {
    const home = [...s.views.values()].find((v) => v.user === user.id && v.type === "home");
    payload = {
      ...base,
      container: { type: "view", view_id: home?.id ?? "V0HOME" },
      view: {
        id: home?.id ?? "V0HOME",
        type: "home",
        callback_id: "",
        private_metadata: "",
        blocks: (home?.view.blocks as unknown[]) ?? [],
      },
    };
  }
  return post(
    s,
    new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    "application/x-www-form-urlencoded",
  );
}

/** Submits an open modal with values by block id (as the page reads them from its inputs). */
export async function submit(
  s: StandInState,
  userId: string,
  viewId: string,
  values: Record<string, string | undefined>,
): Promise<EventResult> {
  const user = s.person(userId);
  const view = s.views.get(viewId);
  if (view?.type !== "modal") throw new Error("That form is no longer open.");
  const state: Record<string, Record<string, unknown>> = {};
  for (const block of (view.view.blocks as Record<string, unknown>[]) ?? []) {
    if (block.type !== "input") continue;
    const blockId = String(block.block_id ?? "");
    const element = block.element as Record<string, unknown>;
    const actionId = String(element.action_id ?? blockId);
    const value = values[blockId];
    state[blockId] = { [actionId]: stateValue(String(element.type), value, element) };
  }
  const payload = {
    type: "view_submission",
    team: { id: TEAM_ID, domain: "playground" },
    user: { id: user.id, username: user.name, name: user.name, team_id: TEAM_ID },
    api_app_id: "A0STACKUP",
    trigger_id: s.trigger(user.id),
    view: {
      id: view.id,
      team_id: TEAM_ID,
      type: "modal",
      callback_id: view.view.callback_id,
      private_metadata: view.view.private_metadata ?? "",
      blocks: view.view.blocks,
      state: { values: state },
    },
  };
  const result = await post(
    s,
    new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    "application/x-www-form-urlencoded",
  );
  const ack = result.body ? safeJson(result.body) : undefined;
  if (ack?.response_action !== "errors") {
    view.open = false;
    s.changed();
  }
  return result;
}

/**
 * Shares a file in the person's DM with the bot: the message appears there, and the bot gets
 * the message event Slack sends for it (message.im, subtype file_share, with files[]).
 */
export function shareFile(
  s: StandInState,
  userId: string,
  input: ShareFileInput,
): Promise<EventResult> {
  const user = s.person(userId);
  const channel = s.dmChannel(user.id);
  const id = s.nextId("F");
  const data = Buffer.from(input.data);
  s.files.set(id, {
    id,
    filename: input.name,
    title: input.name,
    mimetype: input.mimetype,
    data,
    complete: true,
    sharedBy: user.id,
  });
  const text = input.text ?? "";
  const message: StandInMessage = {
    channel,
    ts: s.nextTs(),
    user: user.id,
    text,
    blocks: [],
    files: [
      {
        id,
        name: input.name,
        title: input.name,
        mimetype: input.mimetype,
        url: `${s.baseUrl}/files/${id}`,
      },
    ],
  };
  s.messages.push(message);
  s.changed();
  const created = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    token: "unused",
    team_id: TEAM_ID,
    api_app_id: "A0STACKUP",
    type: "event_callback",
    event_id: s.nextId("Ev"),
    event_time: created,
    authorizations: [{ team_id: TEAM_ID, user_id: BOT_USER_ID, is_bot: true }],
    event: {
      type: "message",
      subtype: "file_share",
      text,
      user: user.id,
      channel,
      channel_type: "im",
      ts: message.ts,
      event_ts: message.ts,
      upload: false,
      display_as_bot: false,
      files: [
        {
          id,
          created,
          timestamp: created,
          name: input.name,
          title: input.name,
          mimetype: input.mimetype,
          filetype: input.name.split(".").pop()?.toLowerCase() ?? "",
          user: user.id,
          size: data.length,
          mode: "hosted",
          is_external: false,
          is_public: false,
          url_private: `${s.baseUrl}/files/${id}`,
          url_private_download: `${s.baseUrl}/files/${id}/download`,
        },
      ],
    },
  });
  return post(s, body, "application/json");
}

/** Opens the bot's App Home tab. */
export function openHome(s: StandInState, userId: string): Promise<EventResult> {
  const user = s.person(userId);
  const body = JSON.stringify({
    token: "unused",
    team_id: TEAM_ID,
    api_app_id: "A0STACKUP",
    type: "event_callback",
    event_id: s.nextId("Ev"),
    event_time: Math.floor(Date.now() / 1000),
    event: {
      type: "app_home_opened",
      user: user.id,
      channel: s.dmChannel(user.id),
      tab: "home",
      event_ts: `${Math.floor(Date.now() / 1000)}.000200`,
    },
  });
  return post(s, body, "application/json");
}

/**
 * The app is removed from a workspace: its tokens stop working and the app is told. `eventTime`
 * (seconds) and `revoke: false` replay an old uninstall event, as Slack's retries can.
 */
export async function uninstall(
  s: StandInState,
  teamId: string,
  options: { eventTime?: number; revoke?: boolean } = {},
): Promise<EventResult> {
  if (options.revoke !== false) s.revokeTokens(teamId);
  const team = s.teams.get(teamId);
  const at = options.eventTime ?? Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    token: "unused",
    team_id: teamId,
    api_app_id: "A0STACKUP",
    type: "event_callback",
    event_id: s.nextId("Ev"),
    event_time: at,
    event: { type: "app_uninstalled", event_ts: `${at}.000300` },
    authorizations: [{ team_id: teamId, user_id: team?.botUserId ?? BOT_USER_ID, is_bot: true }],
  });
  return post(s, body, "application/json");
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The shape Slack puts each input type in `view.state.values`. */
function stateValue(type: string, value: string | undefined, element: Record<string, unknown>) {
  switch (type) {
    case "static_select": {
      const options = (element.options as { text: { text: string }; value: string }[]) ?? [];
      const option = options.find((o) => o.value === value);
      return { type, selected_option: option ?? null };
    }
    case "datepicker":
      return { type, selected_date: value || null };
    case "timepicker":
      return { type, selected_time: value || null };
    case "checkboxes": {
      const options = (element.options as { value: string }[]) ?? [];
      const chosen = new Set((value ?? "").split(",").filter(Boolean));
      return { type, selected_options: options.filter((o) => chosen.has(o.value)) };
    }
    default:
      return { type, value: value ?? null };
  }
}
