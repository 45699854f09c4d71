import type { VerificationStatus } from "../db/types.ts";
import { attachBadgeFile, MAX_BADGE_FILE_BYTES } from "../domain/verification/service.ts";
import { type MessageKey, type MessageValues, translator } from "../i18n/index.ts";
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

/** A message of one paragraph from the catalogue, its summary the same words as plain text. */
function note(locale: string | undefined, key: MessageKey, values: MessageValues = {}): Message {
  const t = translator(locale);
  return { summary: t.t(key, values), blocks: [{ type: "text", text: t.rich(key, values) }] };
}

export const notABadgeMessage = (name: string, locale?: string): Message =>
  note(locale, "badgeFile.notBadge", { name });

export const badgeTooLargeMessage = (limitBytes: number, locale?: string): Message =>
  note(locale, "badgeFile.tooLarge", { mb: Math.round(limitBytes / 1_000_000) });

export const tooManyChecksMessage = (locale?: string): Message => note(locale, "badgeFile.tooMany");

export const noCompletionMessage = (locale?: string): Message =>
  note(locale, "badgeFile.noCompletion", { command: { command: "done <goal>" } });

export function badgeAttachedMessage(
  goalTitle: string,
  status: VerificationStatus,
  locale?: string,
): Message {
  const key = status === "pending" ? "badgeFile.checking" : "badgeFile.cantStart";
  return note(locale, key, { title: goalTitle });
}

/** A badge shared as a file goes to the latest completion that isn't verified yet. */
export async function receiveBadgeFile(
  deps: FeatureDeps,
  s: Session,
  shared: SharedFile,
): Promise<Reply> {
  const locale = s.ctx.locale;
  if (!isBadgeFile(shared.name, shared.contentType)) {
    return say(notABadgeMessage(shared.name, locale));
  }
  const tooLarge = say(badgeTooLargeMessage(MAX_BADGE_FILE_BYTES, locale));
  if (shared.size > MAX_BADGE_FILE_BYTES) return tooLarge;
  const bytes = await shared.bytes(MAX_BADGE_FILE_BYTES);
  if (bytes.byteLength > MAX_BADGE_FILE_BYTES) return tooLarge;
  if (bytes.byteLength === 0) return say(notABadgeMessage(shared.name, locale));
  const attached = await attachBadgeFile(deps.db, deps.jobs, s.user.id, bytes, deps.clock.now());
  if (attached === "limited") return say(tooManyChecksMessage(locale));
  if (!attached) return say(noCompletionMessage(locale));
  return say(badgeAttachedMessage(attached.goalTitle, attached.status, locale));
}
