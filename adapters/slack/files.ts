/** The parts of a Slack file object the adapter reads (message events carry them in files[]). */
export interface SlackFile {
  id?: string;
  name?: string;
  title?: string;
  mimetype?: string;
  size?: number;
  mode?: string;
  url_private_download?: string;
}

/** Where Slack serves shared files; the bot token is sent nowhere else. */
export const SLACK_FILES_ORIGIN = "https://files.slack.com";

/** The origins a file may be downloaded from with the bot token. */
export function fileOrigins(apiUrl: string | undefined): string[] {
  const origins = [SLACK_FILES_ORIGIN];
  // A stand-in Slack (SLACK_API_URL) serves its files itself.
  if (apiUrl) origins.push(new URL(apiUrl).origin);
  return origins;
}

const DOWNLOAD_TIMEOUT_MS = 10_000;

/**
 * Downloads a shared file with the bot token (files:read), reading at most `limit` + 1 bytes so
 * a caller can tell a file over the limit without holding all of it.
 */
export async function downloadSlackFile(
  url: string,
  token: string,
  limit: number,
  origins: readonly string[],
): Promise<Uint8Array> {
  const target = new URL(url);
  if (!origins.includes(target.origin)) {
    throw new Error(`Refusing to send the bot token to ${target.origin}`);
  }
  const response = await fetch(target, {
    headers: { authorization: `Bearer ${token}` },
    // Slack answers a good token directly; a redirect means a login page, not the file.
    redirect: "manual",
    signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
  });
  const type = response.headers.get("content-type") ?? "";
  if (response.status !== 200 || type.startsWith("text/html")) {
    await response.body?.cancel();
    throw new Error(`Slack file download answered ${response.status} ${type}`.trim());
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      break;
    }
  }
  const bytes = new Uint8Array(Math.min(total, limit + 1));
  let at = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.byteLength - at);
    bytes.set(part, at);
    at += part.byteLength;
    if (at >= bytes.byteLength) break;
  }
  return bytes;
}
