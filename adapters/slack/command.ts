/** The slash command people type in Slack; messages name commands without it. */
export const SLASH_COMMAND = "/learn";
