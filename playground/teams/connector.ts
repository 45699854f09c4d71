import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson } from "../slack/records.ts";
import { CHANNELS, personalChatId, TEAM, TEAM_ID, TENANT_ID } from "./identity.ts";
import { classify } from "./routes.ts";
import { baseId, type TeamsState } from "./state.ts";

/** Activities the bot sends are small; Teams refuses anything over about 28 KB. */
const MAX_ACTIVITY_BYTES = 1024 * 1024;

const notFound = (res: ServerResponse, what: string) =>
  sendJson(res, 404, { error: { code: "NotFound", message: what } });

/**
 * The Bot Connector REST API the bot calls at the serviceUrl its activities carry: new messages
 * and replies are kept for the page, updates replace a card in place, and the roster, the team's
 * channels and new personal chats are answered from the playground's people.
 */
export async function handleConnector(
  state: TeamsState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const method = req.method ?? "GET";
  const raw = await readBody(req, MAX_ACTIVITY_BYTES);
  const body = raw.length > 0 ? (JSON.parse(raw.toString("utf8")) as Record<string, unknown>) : {};
  const route = classify(method, path);
  const conversation = baseId(route.conversationId ?? "");
  switch (route.operation) {
    case "send":
    case "reply": {
      if (!known(state, conversation)) return notFound(res, `conversation ${conversation}`);
      const message = state.add({
        conversation,
        from: "bot",
        text: typeof body.text === "string" ? body.text : "",
        attachments: Array.isArray(body.attachments) ? body.attachments : [],
      });
      return sendJson(res, 201, { id: message.id });
    }
    case "update":
      if (!state.update(conversation, route.activityId ?? "", body)) {
        return notFound(res, `activity ${route.activityId}`);
      }
      return sendJson(res, 200, { id: route.activityId });
    case "createConversation":
      return createConversation(state, body, res);
    case "getMember": {
      const member = state.member(route.memberId ?? "");
      return member ? sendJson(res, 200, rosterEntry(member)) : notFound(res, "member");
    }
    case "getChannels":
      if (route.conversationId !== TEAM_ID) return notFound(res, "team");
      return sendJson(res, 200, {
        // Teams leaves out the name of the General channel, whose id is the team's.
        conversations: CHANNELS.map((c) => (c.id === TEAM.id ? { id: c.id } : c)),
      });
    default:
      return notFound(res, `${method} ${path}`);
  }
}

function known(state: TeamsState, conversation: string): boolean {
  return (
    CHANNELS.some((c) => c.id === conversation) ||
    state.people().some((p) => personalChatId(p.key) === conversation)
  );
}

/** A bot may open a personal chat with anyone in the tenant: it is the person's one chat. */
function createConversation(state: TeamsState, body: Record<string, unknown>, res: ServerResponse) {
  const members = Array.isArray(body.members) ? (body.members as { id?: string }[]) : [];
  const person = members.length === 1 ? state.member(members[0]?.id ?? "") : undefined;
  if (!person || body.isGroup) {
    return sendJson(res, 400, {
      error: { code: "BadArgument", message: "the playground opens personal chats only" },
    });
  }
  return sendJson(res, 201, { id: personalChatId(person.key) });
}

function rosterEntry(person: ReturnType<TeamsState["people"]>[number]) {
  const [givenName, ...rest] = person.name.split(" ");
  return {
    id: person.id,
    aadObjectId: person.aadObjectId,
    name: person.name,
    givenName,
    surname: rest.join(" ") || undefined,
    email: person.email,
    userPrincipalName: person.email,
    tenantId: TENANT_ID,
    userRole: "user",
  };
}
