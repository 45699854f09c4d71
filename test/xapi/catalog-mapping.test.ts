import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importCatalog, parseCatalogFile } from "../../src/domain/catalog/import.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

const YAML = `credentials:
  - title: Narwhal Knitting Basics
    provider: Example Crafts
    url: https://www.coursera.org/learn/ai-for-everyone
    estimated_hours: 6
    level: beginner
    xapi_activities:
      - https://lms.example.com/courses/ai4e
      - https://lms.example.com/courses/ai4e/*
    credly_templates: [tmpl-ai4e, AI For Everyone]
`;

describe("catalog import: xAPI activities and Credly templates", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("catalog_mapping");
  });
  afterAll(async () => {
    await t.drop();
  });

  const stored = () =>
    t.db
      .selectFrom("credentials")
      .where("title", "=", "Narwhal Knitting Basics")
      .select(["xapi_activities", "credly_templates", "estimated_hours"])
      .executeTakeFirstOrThrow();

  it("stores the mappings a YAML file gives, and keeps them when a later file omits them", async () => {
    const parsed = parseCatalogFile(YAML, "yaml");
    expect(parsed.errors).toEqual([]);
    const first = await importCatalog(t.db, parsed.rows);
    expect(first).toMatchObject({ ok: true, counts: { credentialsAdded: 1 } });
    expect(await stored()).toMatchObject({
      xapi_activities: [
        "https://lms.example.com/courses/ai4e",
        "https://lms.example.com/courses/ai4e/*",
      ],
      credly_templates: ["tmpl-ai4e", "AI For Everyone"],
    });
    const again = await importCatalog(t.db, parsed.rows);
    expect(again).toMatchObject({ ok: true, counts: { credentialsUnchanged: 1 } });

    const without = YAML.split("    xapi_activities:")[0]!.replace(
      "estimated_hours: 6",
      "estimated_hours: 7",
    );
    const later = await importCatalog(t.db, parseCatalogFile(without, "yaml").rows);
    expect(later).toMatchObject({ ok: true, counts: { credentialsUpdated: 1 } });
    expect(await stored()).toEqual({
      xapi_activities: [
        "https://lms.example.com/courses/ai4e",
        "https://lms.example.com/courses/ai4e/*",
      ],
      credly_templates: ["tmpl-ai4e", "AI For Everyone"],
      estimated_hours: 7,
    });
  });

  it("reads CSV columns separated by ; and clears a mapping with an empty cell", async () => {
    const csv = [
      "title,provider,url,estimated_hours,skills,cost_usd,level,xapi_activities,credly_templates",
      'Narwhal Knitting Basics,Example Crafts,https://www.coursera.org/learn/ai-for-everyone,7,,,beginner,"https://lms.example.com/a;https://lms.example.com/b/*",',
    ].join("\n");
    const parsed = parseCatalogFile(csv, "csv");
    expect(parsed.errors).toEqual([]);
    await importCatalog(t.db, parsed.rows);
    expect(await stored()).toMatchObject({
      xapi_activities: ["https://lms.example.com/a", "https://lms.example.com/b/*"],
      credly_templates: [],
    });
  });

  it("refuses an activity that is not an IRI, naming its line", () => {
    const bad = YAML.replace("https://lms.example.com/courses/ai4e/*", "course 12");
    const { errors } = parseCatalogFile(bad, "yaml");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain('xapi_activities "course 12" is not an activity id');
    expect(errors[0]!.line).toBe(8);
  });
});
