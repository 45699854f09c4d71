import type { Kysely } from "kysely";
import type { Database, Level } from "../../db/types.ts";

export interface CatalogEntry {
  id: number;
  title: string;
  provider: string;
  url: string | null;
  estimatedHours: number;
  skills: string[];
  costUsd: number | null;
  level: Level;
}

export class CatalogRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private base() {
    return this.db
      .selectFrom("credentials")
      .innerJoin("providers", "providers.id", "credentials.provider_id")
      .select([
        "credentials.id",
        "credentials.title",
        "providers.name as provider",
        "credentials.url",
        "credentials.estimated_hours as estimatedHours",
        "credentials.skills",
        "credentials.cost_usd as costUsd",
        "credentials.level",
      ]);
  }

  /** The whole catalog: a few hundred rows at most, matched in memory. */
  async all(): Promise<CatalogEntry[]> {
    return this.base().orderBy("credentials.title").execute();
  }

  async byId(id: number): Promise<CatalogEntry | undefined> {
    return this.base().where("credentials.id", "=", id).executeTakeFirst();
  }
}
