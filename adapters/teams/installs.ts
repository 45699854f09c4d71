import type { Kysely } from "kysely";
import type { Database } from "../../src/db/types.ts";
import { markInstalled } from "../../src/domain/privacy/purge.ts";
import type { Clock } from "../../src/time/clock.ts";
import type { ReferenceKey } from "./references.ts";

/**
 * Teams has no tenant-wide uninstall event: the bot is removed from one personal chat, team or
 * group chat at a time. The tenant counts as uninstalled, and its retention period starts, when
 * the bot is gone from the last conversation it was in; being added anywhere stops the clock.
 */
export class TeamsInstalls {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async added(tenantId: string): Promise<void> {
    await markInstalled(this.db, "teams", tenantId, true, this.clock.now());
  }

  async removed(key: ReferenceKey): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom("teams_conversation_references")
        .where("tenant_id", "=", key.tenantId)
        .where("kind", "=", key.kind)
        .where("key", "=", key.key)
        .execute();
      const left = await trx
        .selectFrom("teams_conversation_references")
        .where("tenant_id", "=", key.tenantId)
        .select("id")
        .limit(1)
        .executeTakeFirst();
      if (!left) await markInstalled(trx, "teams", key.tenantId, false, this.clock.now());
    });
  }
}
