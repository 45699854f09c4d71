import { randomBytes } from "node:crypto";
import type { FileConsentCardResponse } from "botbuilder";
import type { Kysely } from "kysely";
import { sql } from "kysely";
import type { Database } from "../../src/db/types.ts";
import type { Attachment } from "../../src/messages/model.ts";

/** An offer not answered within this many hours is gone; the person can simply ask again. */
export const OFFER_TTL_HOURS = 24;

/**
 * Files go through OneDrive in one request; ours are calendars and CSV reports, far below this.
 * Bigger ones are not offered at all.
 */
export const MAX_OFFER_BYTES = 4 * 1024 * 1024;

/** Whom an offer is for: the tenant and the person's AAD object id, as the actor is keyed. */
export interface OfferOwner {
  tenantId: string;
  aadObjectId: string;
}

export interface FileOffer {
  id: string;
  owner: OfferOwner;
  filename: string;
  contentType: string;
  data: Uint8Array;
}

/** A file waiting for its offer to be answered; ids are 144 random bits. */
export interface OfferedFile {
  id: string;
  file: Attachment;
}

export const isOfferable = (file: Attachment) => file.data.byteLength <= MAX_OFFER_BYTES;

const live = sql<boolean>`created_at > now() - make_interval(hours => ${OFFER_TTL_HOURS})`;

/** Offered files in PostgreSQL, so whichever bot process gets the answer can upload the bytes. */
export class FileOfferStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Keeps the files for their owner and clears away offers that have expired. */
  async offer(owner: OfferOwner, files: Attachment[]): Promise<OfferedFile[]> {
    if (files.length === 0) return [];
    const offered = files.map((file) => ({ id: randomBytes(18).toString("base64url"), file }));
    await this.db.deleteFrom("teams_file_offers").where(sql<boolean>`not (${live})`).execute();
    await this.db
      .insertInto("teams_file_offers")
      .values(
        offered.map(({ id, file }) => ({
          id,
          tenant_id: owner.tenantId,
          aad_object_id: owner.aadObjectId,
          filename: file.filename,
          content_type: file.contentType,
          data: Buffer.from(file.data),
        })),
      )
      .execute();
    return offered;
  }

  /** An offer that has not expired, whoever it belongs to. */
  async find(id: string): Promise<FileOffer | undefined> {
    const row = await this.db
      .selectFrom("teams_file_offers")
      .where("id", "=", id)
      .where(live)
      .select(["id", "tenant_id", "aad_object_id", "filename", "content_type", "data"])
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      owner: { tenantId: row.tenant_id, aadObjectId: row.aad_object_id },
      filename: row.filename,
      contentType: row.content_type,
      data: new Uint8Array(row.data),
    };
  }

  async remove(id: string): Promise<void> {
    await this.db.deleteFrom("teams_file_offers").where("id", "=", id).execute();
  }
}

export const ownsOffer = (offer: FileOffer, who: OfferOwner | undefined): boolean =>
  who !== undefined &&
  offer.owner.tenantId === who.tenantId &&
  offer.owner.aadObjectId === who.aadObjectId;

/** The offer id we put in the consent card's contexts. */
export function offerIdOf(response: FileConsentCardResponse | undefined): string | undefined {
  const offer = (response?.context as { offer?: unknown } | undefined)?.offer;
  return typeof offer === "string" && offer.length > 0 && offer.length <= 100 ? offer : undefined;
}

export interface UploadInfo {
  name: string;
  uploadUrl: string;
  contentUrl: string;
  uniqueId: string;
  fileType: string;
}

/** Where Teams wants the accepted file, and what to show once it is there. */
export function uploadInfoOf(response: FileConsentCardResponse): UploadInfo | undefined {
  const info = (response.uploadInfo ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof info[key] === "string" ? (info[key] as string) : "");
  if (!text("uploadUrl") || !text("contentUrl")) return undefined;
  return {
    name: text("name") || "file",
    uploadUrl: text("uploadUrl"),
    contentUrl: text("contentUrl"),
    uniqueId: text("uniqueId"),
    fileType: text("fileType"),
  };
}

export function attachmentOf(offer: FileOffer): Attachment {
  return { filename: offer.filename, contentType: offer.contentType, data: offer.data };
}
