import { isDatabaseUnavailable } from "../db/errors.ts";
import type { Message } from "./model.ts";

const DATABASE_TEXT =
  "Stackup can't reach its database right now, so nothing was saved. Please try again in a minute.";

export const DATABASE_UNAVAILABLE: Message = {
  summary: DATABASE_TEXT,
  blocks: [{ type: "text", text: [DATABASE_TEXT] }],
};

/** A failure worth telling the person in its own words, or null for the general apology. */
export function explainFailure(error: unknown): Message | null {
  return isDatabaseUnavailable(error) ? DATABASE_UNAVAILABLE : null;
}
