import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";

/** A stored bot token could not be read with the configured key. */
export class TokenKeyError extends Error {
  override readonly name = "TokenKeyError";
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SealedToken {
  /** version, IV, GCM tag and ciphertext in one value (a bytea column). */
  sealed: Buffer;
  /** Names the key without revealing it, so a changed key is told apart from damaged data. */
  keyId: string;
}

/**
 * Bot tokens encrypted at rest with AES-256-GCM. The key is derived with HKDF from the
 * configured secret under a label of its own, so the same secret used elsewhere (the OAuth state
 * signature) never shares key material. Each token is bound to its installation (additional
 * authenticated data), so a row's token can't be swapped into another row.
 */
export class TokenCipher {
  private readonly key: Buffer;
  readonly keyId: string;

  constructor(
    secret: string,
    /** Which variable the secret came from, for the error a wrong key gives. */
    private readonly source = "STACKUP_SECRET_KEY",
  ) {
    if (secret.length < 32) throw new Error(`${source} must be at least 32 characters.`);
    this.key = Buffer.from(hkdfSync("sha256", secret, "stackup", "stackup slack bot token v1", 32));
    this.keyId = createHmac("sha256", this.key).update("key-id").digest("hex").slice(0, 16);
  }

  seal(token: string, boundTo: string): SealedToken {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(boundTo, "utf8"));
    const body = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
    return {
      sealed: Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]),
      keyId: this.keyId,
    };
  }

  open(stored: SealedToken, boundTo: string): string {
    if (stored.keyId !== this.keyId) {
      throw new TokenKeyError(
        `The Slack bot token stored for ${boundTo} was encrypted with a different key than ${this.source} now gives. Restore the key it was installed with, or install Stackup in that workspace again.`,
      );
    }
    const data = stored.sealed;
    if (data.length <= 1 + IV_BYTES + TAG_BYTES || data[0] !== VERSION) {
      throw new TokenKeyError(
        `The Slack bot token stored for ${boundTo} is not in a known format.`,
      );
    }
    const iv = data.subarray(1, 1 + IV_BYTES);
    const tag = data.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const body = data.subarray(1 + IV_BYTES + TAG_BYTES);
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, iv);
      decipher.setAAD(Buffer.from(boundTo, "utf8"));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
    } catch {
      throw new TokenKeyError(
        `The Slack bot token stored for ${boundTo} can't be decrypted with ${this.source}: the key changed or the row was altered. Restore the key it was installed with, or install Stackup in that workspace again.`,
      );
    }
  }
}
