import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { sql } from "kysely";
import type { Database } from "../../src/db/types.ts";
import { translator } from "../../src/i18n/index.ts";
import type { Attachment, Block, Message } from "../../src/messages/model.ts";
import type { NodeHandler } from "../platform.ts";
import { isImage, LIMITS, renderActivity } from "./cards.ts";

/** Long enough for a weekly digest to be read, and looked back at, with its chart. */
export const IMAGE_TTL_DAYS = 30;

/** Where Stackup serves the images its Teams cards link to. */
export const IMAGES_PATH = "/teams/images/";

const ID = /^[A-Za-z0-9_-]{24}$/;
const live = sql<boolean>`created_at > now() - make_interval(days => ${IMAGE_TTL_DAYS})`;

/** Images in PostgreSQL, so whichever process Teams asks can serve them. */
export class ImageStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Keeps the images under ids of 144 random bits, and clears away those that have expired. */
  async keep(tenantId: string, images: readonly Attachment[]): Promise<string[]> {
    const ids = images.map(() => randomBytes(18).toString("base64url"));
    await this.db.deleteFrom("teams_images").where(sql<boolean>`not (${live})`).execute();
    await this.db
      .insertInto("teams_images")
      .values(
        images.map((image, i) => ({
          id: ids[i]!,
          tenant_id: tenantId,
          content_type: image.contentType,
          data: Buffer.from(image.data),
        })),
      )
      .execute();
    return ids;
  }

  async find(id: string): Promise<{ contentType: string; data: Buffer } | undefined> {
    const row = await this.db
      .selectFrom("teams_images")
      .where("id", "=", id)
      .where(live)
      .select(["content_type", "data"])
      .executeTakeFirst();
    return row && { contentType: row.content_type, data: row.data };
  }
}

/** Blocks near the top, where a card cut down to Teams' size keeps them. */
function afterHeader(message: Message, blocks: Block[]): Block[] {
  const at = message.blocks[0]?.type === "header" ? 1 : 0;
  return [...message.blocks.slice(0, at), ...blocks, ...message.blocks.slice(at)];
}

/**
 * The message with its images turned from bytes into links under `publicUrl`: the card then
 * shows them at a fraction of the size, where inline bytes could push it past Teams' limit.
 */
export async function linkImages(
  message: Message,
  tenantId: string,
  store: ImageStore,
  publicUrl: string,
): Promise<Message> {
  const images = (message.files ?? []).filter(isImage);
  if (images.length === 0) return message;
  const ids = await store.keep(tenantId, images);
  return {
    ...message,
    files: (message.files ?? []).filter((f) => !isImage(f)),
    blocks: afterHeader(
      message,
      images.map((image, i) => ({
        type: "image" as const,
        url: `${publicUrl}${IMAGES_PATH}${ids[i]}`,
        alt: image.title ?? image.filename,
      })),
    ),
  };
}

/**
 * Without a public address to link images from, they go inline; when that would make the
 * message too large for Teams, they are left out and the card says so.
 */
export function fitInlineImages(message: Message, locale?: string): Message {
  const images = (message.files ?? []).filter(isImage);
  const bytes = (m: Message) => Buffer.byteLength(JSON.stringify(renderActivity(m)), "utf8");
  if (images.length === 0 || bytes(message) <= LIMITS.messageBytes) return message;
  return {
    ...message,
    files: (message.files ?? []).filter((f) => !isImage(f)),
    blocks: afterHeader(message, [
      {
        type: "context",
        text: translator(locale).rich("teams.tooLargeToShow", {
          files: images.map((f) => f.title ?? f.filename).join(", "),
        }),
      },
    ]),
  };
}

/** GET /teams/images/<id>: an image a card links to, until it expires; else 404. */
export function imageHandler(store: ImageStore, onError: (error: unknown) => void): NodeHandler {
  return (req, res, next) => {
    const path = (req.url ?? "").split("?")[0]!;
    if (!path.startsWith(IMAGES_PATH) || (req.method !== "GET" && req.method !== "HEAD")) {
      next();
      return;
    }
    const id = path.slice(IMAGES_PATH.length);
    void (async () => {
      try {
        const image = ID.test(id) ? await store.find(id) : undefined;
        if (!image) {
          res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
          res.end("Not found: the image has expired or never existed.");
          return;
        }
        res.writeHead(200, {
          "content-type": image.contentType,
          "content-length": image.data.byteLength,
          "cache-control": "private, max-age=86400",
          "x-content-type-options": "nosniff",
        });
        res.end(req.method === "HEAD" ? undefined : image.data);
      } catch (error) {
        onError(error);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      }
    })();
  };
}
