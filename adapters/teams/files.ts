import type { Activity, Attachment } from "botbuilder";
import type { Resolver } from "../../src/domain/verification/safe-fetch.ts";
import {
  createSafeFetch,
  ResponseTooLargeError,
} from "../../src/domain/verification/safe-fetch.ts";
import { translator } from "../../src/i18n/index.ts";
import type { Message } from "../../src/messages/model.ts";

/** How Teams hands a bot a file someone attached in a personal chat (needs `supportsFiles`). */
export const FILE_DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info";

/** A file attached in a personal chat, as far as the adapter reads it. */
export interface TeamsFile {
  name: string;
  /** Pre-authorized and short-lived: it needs no token, so none is ever sent there. */
  downloadUrl: string;
  /** The file's extension as Teams reports it, e.g. "png". */
  fileType: string;
}

/** The first file attached to a message; one badge per message, as in Slack. */
export function attachedFile(activity: Partial<Activity>): TeamsFile | undefined {
  for (const attachment of activity.attachments ?? []) {
    if (attachment.contentType !== FILE_DOWNLOAD_INFO) continue;
    const content = (attachment.content ?? {}) as { downloadUrl?: unknown; fileType?: unknown };
    if (typeof content.downloadUrl !== "string" || !content.downloadUrl) continue;
    const name = typeof attachment.name === "string" && attachment.name ? attachment.name : "file";
    const fileType =
      typeof content.fileType === "string" && content.fileType
        ? content.fileType
        : (/\.([^./]+)$/.exec(name)?.[1] ?? "");
    return { name, downloadUrl: content.downloadUrl, fileType: fileType.toLowerCase() };
  }
  return undefined;
}

/** True when the message holds an image pasted into the compose box rather than a file. */
export function hasInlineImage(activity: Partial<Activity>): boolean {
  return (activity.attachments ?? []).some(
    (a: Attachment) => a.contentType?.startsWith("image/") && Boolean(a.contentUrl),
  );
}

const TYPES: Record<string, string> = {
  png: "image/png",
  svg: "image/svg+xml",
  json: "application/json",
  jsonld: "application/ld+json",
  txt: "text/plain",
  jwt: "application/jwt",
  jws: "application/jwt",
};

/** Teams reports an extension, not a MIME type; the core decides by type (and a JWT's name). */
export function contentTypeOf(file: Pick<TeamsFile, "fileType">): string {
  return TYPES[file.fileType] ?? "application/octet-stream";
}

/** A download that failed for a reason that says nothing about the file being a badge. */
export class FileDownloadError extends Error {
  override name = "FileDownloadError";
}

/** Reads at most `limit` bytes plus one, so the caller can tell a file over the limit. */
export type FileDownloader = (url: string, limit: number) => Promise<Uint8Array>;

export interface FileDownloaderOptions {
  /** As for badge links: address ranges reachable although not public (tests, development). */
  allowRanges?: readonly string[];
  resolve?: Resolver;
  timeoutMs?: number;
}

/**
 * Downloads an attached file under the same rules as badge links: http(s), public addresses
 * only (every redirect re-checked), bounded size and time, and no credentials of any kind.
 */
export function createFileDownloader(options: FileDownloaderOptions = {}): FileDownloader {
  return async (url, limit) => {
    const fetcher = createSafeFetch({
      allowRanges: options.allowRanges ?? [],
      maxBytes: limit,
      ...(options.resolve ? { resolve: options.resolve } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    let response: Awaited<ReturnType<typeof fetcher>>;
    try {
      response = await fetcher(url, { accept: "*/*" });
    } catch (error) {
      // The fetcher stops reading past the limit; one byte over tells the core "too large".
      if (error instanceof ResponseTooLargeError) {
        return new Uint8Array(limit + 1);
      }
      // The link itself grants access to the file, so it stays out of messages and logs.
      const reason = messageOf(error).split(url).join("<download link>");
      throw new FileDownloadError(`Could not download the file: ${reason}`, { cause: error });
    }
    // An expired link answers with a sign-in page, not the file.
    if (response.status !== 200 || response.contentType.startsWith("text/html")) {
      throw new FileDownloadError(
        `File download answered ${response.status} ${response.contentType}`.trim(),
      );
    }
    return response.body;
  };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function downloadFailedMessage(name: string, locale?: string): Message {
  const t = translator(locale);
  return {
    summary: t.t("teams.downloadFailedSummary", { name }),
    blocks: [{ type: "text", text: t.rich("teams.downloadFailed", { name }) }],
  };
}

export function inlineImageMessage(locale?: string): Message {
  const t = translator(locale);
  return {
    summary: t.t("teams.inlineImageSummary"),
    blocks: [{ type: "text", text: t.rich("teams.inlineImage") }],
  };
}
