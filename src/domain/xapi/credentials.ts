import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database, User } from "../../db/types.ts";
import type { Clock } from "../../time/clock.ts";

export const MAX_LMS_NAME_LENGTH = 100;

/** An LMS's way in: HTTP Basic with `key` as the user name. The secret is shown once. */
export interface IssuedCredential {
  id: number;
  name: string;
  key: string;
  secret: string;
}

/** Who sent a request: the credential, its workspace and the LMS's name. */
export interface XapiClient {
  credentialId: number;
  workspaceId: number;
  name: string;
  key: string;
}

export interface CredentialSummary {
  name: string;
  key: string;
  createdAt: Date;
}

// The secret is 32 random bytes, so one SHA-256 is as strong as a slow hash would be.
const hashSecret = (secret: string) => createHash("sha256").update(secret).digest("hex");

/** Creates, lists, revokes and checks a workspace's xAPI credentials. */
export class XapiCredentials {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async create(by: User, name: string): Promise<IssuedCredential | { error: "duplicate" }> {
    const key = `xapi-${randomBytes(9).toString("base64url")}`;
    const secret = randomBytes(32).toString("base64url");
    const row = await this.db
      .insertInto("xapi_credentials")
      .values({
        workspace_id: by.workspace_id,
        name,
        key,
        secret_hash: hashSecret(secret),
        created_by: by.id,
        created_at: this.clock.now(),
      })
      .onConflict((oc) => oc.doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!row) return { error: "duplicate" };
    return { id: row.id, name, key, secret };
  }

  list(workspaceId: number): Promise<CredentialSummary[]> {
    return this.db
      .selectFrom("xapi_credentials")
      .where("workspace_id", "=", workspaceId)
      .where("revoked_at", "is", null)
      .select(["name", "key", "created_at as createdAt"])
      .orderBy("created_at")
      .execute();
  }

  /** Revokes by name or key; true when one was live. */
  async revoke(workspaceId: number, nameOrKey: string): Promise<CredentialSummary | undefined> {
    return this.db
      .updateTable("xapi_credentials")
      .set({ revoked_at: this.clock.now() })
      .where("workspace_id", "=", workspaceId)
      .where("revoked_at", "is", null)
      .where((eb) =>
        eb.or([
          eb(eb.fn("lower", ["name"]), "=", nameOrKey.toLowerCase()),
          eb("key", "=", nameOrKey),
        ]),
      )
      .returning(["name", "key", "created_at as createdAt"])
      .executeTakeFirst();
  }

  /** The client for an Authorization header's Basic credentials, or null. */
  async authenticate(authorization: string | undefined): Promise<XapiClient | null> {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? "");
    if (!match?.[1]) return null;
    const decoded = Buffer.from(match[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon <= 0) return null;
    const key = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);
    const row = await this.db
      .selectFrom("xapi_credentials")
      .where("key", "=", key)
      .where("revoked_at", "is", null)
      .select(["id", "workspace_id", "name", "key", "secret_hash"])
      .executeTakeFirst();
    const given = Buffer.from(hashSecret(secret), "hex");
    // Compared in constant time even when the key is unknown.
    const stored = Buffer.from(row?.secret_hash ?? hashSecret(randomBytes(16).toString()), "hex");
    if (!timingSafeEqual(given, stored) || !row) return null;
    return { credentialId: row.id, workspaceId: row.workspace_id, name: row.name, key: row.key };
  }
}
