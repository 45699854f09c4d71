/** What the bot asked of the Bot Connector, read from the method and path of its request. */
export type ConnectorOperation =
  | "send" // POST /v3/conversations/{id}/activities: a new message (proactive, or no reply target)
  | "reply" // POST /v3/conversations/{id}/activities/{activityId}: a reply in a turn
  | "update" // PUT /v3/conversations/{id}/activities/{activityId}
  | "getMember" // GET /v3/conversations/{id}/members/{memberId}
  | "createConversation"
  | "getChannels" // GET /v3/teams/{teamId}/conversations: the team's standard channels
  | "other";

export interface ConnectorRoute {
  operation: ConnectorOperation;
  conversationId: string | undefined;
  activityId: string | undefined;
  memberId?: string;
}

/** The Bot Connector REST call a request is, by its method and its path under the serviceUrl. */
export function classify(method: string, path: string): ConnectorRoute {
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (
    parts[0] === "v3" &&
    parts[1] === "teams" &&
    parts[3] === "conversations" &&
    method === "GET"
  ) {
    // The team id rides in conversationId, as the one id the call names.
    return { operation: "getChannels", conversationId: parts[2], activityId: undefined };
  }
  // ["v3", "conversations", id, "activities", activityId?] or [..., "members", memberId]
  if (parts[0] !== "v3" || parts[1] !== "conversations") {
    return { operation: "other", conversationId: undefined, activityId: undefined };
  }
  const conversationId = parts[2];
  if (!conversationId && method === "POST") {
    return { operation: "createConversation", conversationId: undefined, activityId: undefined };
  }
  if (parts[3] === "activities") {
    const activityId = parts[4];
    if (method === "POST" && !activityId) return { operation: "send", conversationId, activityId };
    if (method === "POST") return { operation: "reply", conversationId, activityId };
    if (method === "PUT") return { operation: "update", conversationId, activityId };
  }
  if (parts[3] === "members" && method === "GET" && parts[4]) {
    return { operation: "getMember", conversationId, activityId: undefined, memberId: parts[4] };
  }
  return { operation: "other", conversationId, activityId: undefined };
}
