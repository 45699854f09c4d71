import type { ServerResponse } from "node:http";
import { sendJson } from "../slack/records.ts";
import { CHANNELS } from "./identity.ts";
import type { CardAction, Place, TeamsResult, TeamsStandIn } from "./standin.ts";

/** Where the page says the person is: "personal", or a channel of the team by id. */
function placeOf(body: Record<string, unknown>): Place {
  const id = String(body.conversation ?? "personal");
  if (id === "personal" || id.startsWith("a:")) return { kind: "personal" };
  if (!CHANNELS.some((c) => c.id === id)) throw new Error("No such channel in the playground.");
  return { kind: "channel", id };
}

function actionOf(body: Record<string, unknown>): CardAction {
  const action = (body.action ?? {}) as Record<string, unknown>;
  if (action.type !== "Action.Submit" && action.type !== "Action.Execute") {
    throw new Error("Only Action.Submit and Action.Execute go to the bot.");
  }
  return {
    type: action.type,
    data: action.data,
    ...(typeof action.verb === "string" ? { verb: action.verb } : {}),
  };
}

/** The bot's answer to the activity, for the page: its HTTP status, and an invoke's body. */
function answer(res: ServerResponse, result: TeamsResult) {
  sendJson(res, 200, { status: result.status, ...(result.body ? { body: result.body } : {}) });
}

/** The page's calls for the Teams view, by route under /playground/api/teams/. */
export async function teamsCall(
  teams: TeamsStandIn,
  route: string,
  user: string,
  body: Record<string, unknown>,
  res: ServerResponse,
): Promise<void> {
  if (route === "teams/message") {
    const text = String(body.text ?? "").trim();
    if (!text) return sendJson(res, 400, { error: "Type a message first." });
    return answer(res, await teams.say(user, placeOf(body), text));
  }
  if (route === "teams/action") {
    const cardId = String(body.cardId ?? "");
    if (!cardId) return sendJson(res, 400, { error: "Which card was that?" });
    return answer(res, await teams.act(user, placeOf(body), cardId, actionOf(body)));
  }
  sendJson(res, 404, { error: "unknown playground call" });
}
