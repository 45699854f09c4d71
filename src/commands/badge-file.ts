import type { VerificationStatus } from "../db/types.ts";
import { attachBadgeFile, MAX_BADGE_FILE_BYTES } from "../domain/verification/service.ts";
import type { Message, Reply } from "../messages/model.ts";
import type { SharedFile } from "./core.ts";
import { type FeatureDeps, type Session, say } from "./feature.ts";

/** Types a badge can come in: baked PNG or SVG, its JSON, or a JWT (often sent as text). */
const BADGE_TYPES = new Set([
  "image/png",
  "image/svg+xml",
  "application/json",
  "application/ld+json",
  "text/plain",
]);
/** Platforms report unknown types for JWTs; their name says what they are. */
const JWT_NAME = /\.(jwt|jws)$/i;

export function isBadgeFile(name: string, contentType: string): boolean {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return BADGE_TYPES.has(type) || JWT_NAME.test(name);
}

const note = (text: string): Message => ({
  summary: text,
  blocks: [{ type: "text", text: [text] }],
});

export function notABadgeMessage(name: string): Message {
  const text = `I can only check badge files — a baked PNG or SVG badge, its JSON or a JWT — and “${name}” isn't one.`;
  return note(text);
}

export function badgeTooLargeMessage(limitBytes: number): Message {
  return note(`That file is over ${Math.round(limitBytes / 1_000_000)} MB, too large for a badge.`);
}

export function tooManyChecksMessage(): Message {
  const text =
    "I'm already checking several badges for you — wait a minute, then share this one again.";
  return { summary: text, blocks: [{ type: "text", text: [text] }] };
}

export function noCompletionMessage(): Message {
  const text = "I couldn't find a completed goal to attach this to — finish one first.";
  return {
    summary: text,
    blocks: [
      {
        type: "text",
        text: [
          "I couldn't find a completed goal to attach this to — finish one with ",
          { command: "done <goal>" },
          " first.",
        ],
      },
    ],
  };
}

export function badgeAttachedMessage(goalTitle: string, status: VerificationStatus): Message {
  if (status !== "pending") {
    return {
      summary: `I couldn't start checking your badge for ${goalTitle}.`,
      blocks: [
        {
          type: "text",
          text: [
            "I couldn't start checking your badge for ",
            { bold: goalTitle },
            " just now. Please share it again in a moment.",
          ],
        },
      ],
    };
  }
  return {
    summary: `Checking your badge for ${goalTitle}…`,
    blocks: [
      {
        type: "text",
        text: ["Checking your badge for ", { bold: goalTitle }, "… I'll message you what I find."],
      },
    ],
  };
}

/** A badge shared as a file goes to the latest completion that isn't verified yet. */
export async function receiveBadgeFile(
  deps: FeatureDeps,
  s: Session,
  shared: SharedFile,
): Promise<Reply> {
  if (!isBadgeFile(shared.name, shared.contentType)) return say(notABadgeMessage(shared.name));
  const tooLarge = say(badgeTooLargeMessage(MAX_BADGE_FILE_BYTES));
  if (shared.size > MAX_BADGE_FILE_BYTES) return tooLarge;
  const bytes = await shared.bytes(MAX_BADGE_FILE_BYTES);
  if (bytes.byteLength > MAX_BADGE_FILE_BYTES) return tooLarge;
  if (bytes.byteLength === 0) return say(notABadgeMessage(shared.name));
  const attached = await attachBadgeFile(deps.db, deps.jobs, s.user.id, bytes, deps.clock.now());
  if (attached === "limited") return say(tooManyChecksMessage());
  if (!attached) return say(noCompletionMessage());
  return say(badgeAttachedMessage(attached.goalTitle, attached.status));
}
