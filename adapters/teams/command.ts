/** The word that starts a command in Teams ("learn log 2"); messages name commands without it. */
export const COMMAND_WORD = "learn";
