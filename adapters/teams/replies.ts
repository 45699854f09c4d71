import { COMMANDS } from "../../src/commands/grammar.ts";
import type { Attachment, Message } from "../../src/messages/model.ts";
import { COMMAND_WORD } from "./command.ts";

/** What the Teams bot says of itself: apologies, file-offer outcomes and the welcome. */

export const SORRY: Message = {
  summary: "Something went wrong on our side. Please try again in a moment.",
  blocks: [
    {
      type: "text",
      text: ["Something went wrong on our side. Please try again in a moment."],
    },
  ],
};

export const NO_IDENTITY: Message = {
  summary: "I can only help people signed in to a Microsoft 365 organisation.",
  blocks: [
    {
      type: "text",
      text: ["I can only help people signed in to a Microsoft 365 organisation."],
    },
  ],
};

export const OFFER_GONE: Message = {
  summary: "That file is no longer available.",
  blocks: [
    {
      type: "text",
      text: [
        "That file is no longer available, so nothing was saved. Ask me again and I'll send you a fresh one.",
      ],
    },
  ],
};

export function offerDeclinedMessage(name: string): Message {
  return {
    summary: `I didn't save ${name}.`,
    blocks: [
      {
        type: "text",
        text: [
          "No problem: I didn't save “",
          name,
          "”, and nothing was added to your OneDrive. Ask me again whenever you want it.",
        ],
      },
    ],
  };
}

/** Carries the file again, so a fresh consent card can come with it. */
export function uploadFailedMessage(file: Attachment): Message {
  return {
    summary: `I couldn't save ${file.filename}.`,
    files: [file],
    blocks: [
      {
        type: "text",
        text: [
          "I couldn't save “",
          file.filename,
          "” to your OneDrive just now, so nothing has changed. Please try again in a moment.",
        ],
      },
    ],
  };
}

export const SENT_PRIVATELY: Message = {
  summary: "I've sent you the answer in our personal chat.",
  blocks: [{ type: "context", text: ["I've sent you the answer in our personal chat."] }],
};

/** Said in a channel when the answer is the person's alone and no personal chat could be opened. */
export const OPEN_PERSONAL_CHAT: Message = {
  summary: "I answer that in our personal chat, which I couldn't open for you.",
  blocks: [
    {
      type: "text",
      text: [
        "I answer that only in our personal chat, so your details stay between us, and I couldn't open that chat for you. Select my name and choose ",
        { bold: "Chat" },
        ", then ask me again there.",
      ],
    },
  ],
};

/** The first thing a person sees after adding the bot. */
export function welcomeMessage(): Message {
  const example = COMMANDS.find((c) => c.name === "goal")!;
  return {
    summary: "Hi! I help you earn micro-credentials alongside your work.",
    blocks: [
      { type: "header", text: "Welcome to Stackup" },
      {
        type: "text",
        text: [
          "I help you earn micro-credentials alongside your work. Write to me here, or @mention me in a channel. Start with ",
          { code: `${COMMAND_WORD} ${example.usage}` },
          ".",
        ],
      },
      {
        type: "fields",
        fields: COMMANDS.map((c) => ({
          label: `${COMMAND_WORD} ${c.name}`,
          value: [c.description],
        })),
      },
    ],
  };
}
