/** The slash command people type in Slack; messages name commands without it. */
export const SLASH_COMMAND = "/learn";

/** The slash commands the app registers; the manifest must declare the same. */
export const SLACK_COMMANDS = [SLASH_COMMAND] as const;
