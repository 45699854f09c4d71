import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CatalogFormat,
  type CatalogRow,
  importCatalog,
  parseCatalogFile,
} from "../../src/domain/catalog/import.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase("catalog_import");
});
afterAll(async () => {
  await t?.drop();
});

const fixture = (name: string) =>
  readFileSync(new URL(`fixtures/${name}`, import.meta.url), "utf8");

function rowsOf(text: string, format: CatalogFormat): CatalogRow[] {
  const { rows, errors } = parseCatalogFile(text, format);
  expect(errors).toEqual([]);
  return rows;
}

async function tableCounts() {
  const count = async (table: "providers" | "credentials" | "stacks" | "stack_credentials") =>
    Number(
      (
        await t.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    providers: await count("providers"),
    credentials: await count("credentials"),
    stacks: await count("stacks"),
    stackCredentials: await count("stack_credentials"),
  };
}

async function credential(title: string) {
  return t.db
    .selectFrom("credentials")
    .innerJoin("providers", "providers.id", "credentials.provider_id")
    .selectAll("credentials")
    .select("providers.name as provider")
    .where("credentials.title", "=", title)
    .execute();
}

async function stackTitles(role: string) {
  const rows = await t.db
    .selectFrom("stacks")
    .innerJoin("stack_credentials", "stack_credentials.stack_id", "stacks.id")
    .innerJoin("credentials", "credentials.id", "stack_credentials.credential_id")
    .select(["credentials.title", "stacks.title as stackTitle"])
    .where("stacks.role", "=", role)
    .orderBy("stack_credentials.position")
    .execute();
  return rows.map((r) => r.title);
}

const HEADER = "title,provider,url,estimated_hours,skills,cost_usd,level";

describe("importCatalog", () => {
  it("adds the example CSV, matching seeded providers, and reports unchanged rows on a re-run", async () => {
    const before = await tableCounts();
    const rows = rowsOf(fixture("example.csv"), "csv");
    const first = await importCatalog(t.db, rows);
    expect(first).toEqual({
      ok: true,
      counts: {
        providersAdded: 0,
        providersUpdated: 0,
        credentialsAdded: 4,
        credentialsUpdated: 0,
        credentialsUnchanged: 0,
        stacksAdded: 0,
        stacksUpdated: 0,
      },
    });
    const after = await tableCounts();
    expect(after.credentials).toBe(before.credentials + 4);
    expect(after.providers).toBe(before.providers);
    const [cloud] = await credential("Introduction to Cloud Computing, AWS Edition");
    expect(cloud).toMatchObject({
      provider: "edX",
      estimated_hours: 20,
      cost_usd: 0,
      skills: ["cloud computing", "aws"],
      level: "beginner",
    });
    const [excel] = await credential("Excel Essential Training (Microsoft 365)");
    expect(excel?.cost_usd).toBeNull();

    const again = await importCatalog(t.db, rows);
    expect(again.ok && again.counts).toMatchObject({
      credentialsAdded: 0,
      credentialsUpdated: 0,
      credentialsUnchanged: 4,
    });
    expect(await tableCounts()).toEqual(after);
  });

  it("adds a new provider and a stack that mixes file and catalog credentials, in order", async () => {
    const result = await importCatalog(t.db, rowsOf(fixture("example.yaml"), "yaml"));
    expect(result.ok && result.counts).toMatchObject({ providersAdded: 1, stacksAdded: 1 });
    const provider = await t.db
      .selectFrom("providers")
      .selectAll()
      .where("name", "=", "DeepLearning.AI")
      .executeTakeFirst();
    expect(provider?.url).toBe("https://www.deeplearning.ai");
    expect(await stackTitles("business analyst")).toEqual([
      "Google Data Analytics Certificate",
      "Data Analysis with Python",
      "Generative AI for Everyone",
    ]);
  });

  it("updates a seeded credential matched by provider and title regardless of case", async () => {
    const before = await tableCounts();
    const [seeded] = await credential("AI for Everyone");
    expect(seeded?.estimated_hours).toBe(6);
    const text = `${HEADER}\nai for everyone,COURSERA,https://www.coursera.org/learn/ai-for-everyone,7.5,ai strategy;machine learning,free,beginner\n`;
    const result = await importCatalog(t.db, rowsOf(text, "csv"));
    expect(result.ok && result.counts).toMatchObject({
      providersAdded: 0,
      credentialsAdded: 0,
      credentialsUpdated: 1,
    });
    const [updated] = await credential("AI for Everyone");
    expect(updated).toMatchObject({
      id: seeded?.id,
      estimated_hours: 7.5,
      cost_usd: 0,
      skills: ["ai strategy", "machine learning"],
    });
    expect(await tableCounts()).toEqual(before);
  });

  it("replaces an existing stack's list when the file names its role", async () => {
    const text = [
      "stacks:",
      "  - role: Project Manager",
      "    title: Project manager, AI first",
      "    credentials:",
      "      - AI in Project Management",
      "      - Google Project Management Certificate",
    ].join("\n");
    const result = await importCatalog(t.db, rowsOf(text, "yaml"));
    expect(result.ok && result.counts).toMatchObject({ stacksAdded: 0, stacksUpdated: 1 });
    expect(await stackTitles("project manager")).toEqual([
      "AI in Project Management",
      "Google Project Management Certificate",
    ]);
  });

  it("writes nothing when a stack names an unknown or ambiguous credential", async () => {
    // A second "AI Fundamentals", so the seeded IBM one is no longer unique by title.
    const setup = `${HEADER}\nAI Fundamentals,Acme Academy,https://acme.example/ai,2,,,beginner\n`;
    expect((await importCatalog(t.db, rowsOf(setup, "csv"))).ok).toBe(true);
    const before = await tableCounts();
    const text = [
      "credentials:", // 1
      "  - title: Brand New Course", // 2
      "    provider: Brand New Provider", // 3
      "    url: https://brand.example", // 4
      "    estimated_hours: 3", // 5
      "    level: beginner", // 6
      "stacks:", // 7
      "  - role: newcomer", // 8
      "    title: Newcomer", // 9
      "    credentials:", // 10
      "      - Brand New Course", // 11
      "      - No Such Course", // 12
      "      - AI Fundamentals", // 13
      "      - {title: AI Fundamentals, provider: Nobody}", // 14
    ].join("\n");
    const result = await importCatalog(t.db, rowsOf(text, "yaml"));
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          line: 12,
          message:
            'stack "newcomer" lists "No Such Course", which is neither in this file nor in the catalog',
        },
        {
          line: 13,
          message:
            'stack "newcomer" lists "AI Fundamentals", offered by IBM SkillsBuild and Acme Academy; write it as {title, provider}',
        },
        {
          line: 14,
          message:
            'stack "newcomer" lists "AI Fundamentals" from Nobody, which is neither in this file nor in the catalog',
        },
      ],
    });
    expect(await tableCounts()).toEqual(before);
    expect(await credential("Brand New Course")).toEqual([]);

    // Naming the provider settles the ambiguity.
    const fixed = text
      .split("\n")
      .filter((_, i) => i !== 11 && i !== 13)
      .map((l) =>
        l.replace("- AI Fundamentals", "- {title: ai fundamentals, provider: ibm skillsbuild}"),
      )
      .join("\n");
    const ok = await importCatalog(t.db, rowsOf(fixed, "yaml"));
    expect(ok.ok && ok.counts).toMatchObject({
      credentialsAdded: 1,
      providersAdded: 1,
      stacksAdded: 1,
    });
    expect(await stackTitles("newcomer")).toEqual(["Brand New Course", "AI Fundamentals"]);
  });

  it("adds the issuer domains a provider really issues from to those it has", async () => {
    const text = [
      "providers:",
      "  - name: coursera",
      "    issuer_domains: [Credly.com, https://www.coursera.org/verify, coursera.org]",
      "credentials: []",
    ].join("\n");
    await importCatalog(t.db, rowsOf(text, "yaml"));
    const row = await t.db
      .selectFrom("providers")
      .where("name", "=", "Coursera")
      .select("issuer_domains")
      .executeTakeFirstOrThrow();
    expect(row.issuer_domains).toEqual(["coursera.org", "credly.com", "www.coursera.org"]);
    const bad = parseCatalogFile(
      [
        "providers:",
        "  - name: Coursera",
        "    issuer_domains: [not a domain]",
        "credentials: []",
      ].join("\n"),
      "yaml",
    );
    expect(bad.errors).toEqual([
      { line: 3, message: '"not a domain" is not a domain such as coursera.org' },
    ]);
  });

  it("takes a provider's issuer domains from the CSV's issuer_domains column", async () => {
    const header = "title,provider,url,estimated_hours,skills,cost_usd,level,issuer_domains";
    const csv = [
      header,
      "Badge Course A,Issuing House,https://ih.example/a,10,x,0,beginner,Credly.com; https://badges.issuing-house.example/v",
      "Badge Course B,Issuing House,https://ih.example/b,10,x,0,beginner,issuing-house.example",
      "Badge Course C,Issuing House,https://ih.example/c,10,x,0,beginner,",
    ].join("\n");
    const ok = await importCatalog(t.db, rowsOf(csv, "csv"));
    expect(ok.ok).toBe(true);
    const row = await t.db
      .selectFrom("providers")
      .where("name", "=", "Issuing House")
      .select("issuer_domains")
      .executeTakeFirstOrThrow();
    expect(row.issuer_domains).toEqual([
      "badges.issuing-house.example",
      "credly.com",
      "issuing-house.example",
    ]);
    // a later file adds, never takes away
    await importCatalog(
      t.db,
      rowsOf(
        `${header}\nBadge Course A,Issuing House,https://ih.example/a,10,x,0,beginner,ih.example`,
        "csv",
      ),
    );
    const again = await t.db
      .selectFrom("providers")
      .where("name", "=", "Issuing House")
      .select("issuer_domains")
      .executeTakeFirstOrThrow();
    expect(again.issuer_domains).toEqual([
      "badges.issuing-house.example",
      "credly.com",
      "ih.example",
      "issuing-house.example",
    ]);
  });

  it("refuses issuer domains that are no domain or are shared by unrelated sites, line by line", async () => {
    const csv = [
      "title,provider,url,estimated_hours,skills,cost_usd,level,issuer_domains",
      "Shared A,Shady,https://sh.example/a,10,x,0,beginner,github.io",
      "Shared B,Shady,https://sh.example/b,10,x,0,beginner,co.uk",
      "Shared C,Shady,https://sh.example/c,10,x,0,beginner,not a domain",
      "Shared D,Shady,https://sh.example/d,10,x,0,beginner,127.0.0.1",
    ].join("\n");
    const parsed = parseCatalogFile(csv, "csv");
    const shared = (d: string) =>
      `"${d}" is shared by many unrelated sites, so it can't say who issued a badge; give the provider's own domain, such as coursera.org`;
    expect(parsed.errors).toEqual([
      { line: 2, message: shared("github.io") },
      { line: 3, message: shared("co.uk") },
      { line: 4, message: '"not a domain" is not a domain such as coursera.org' },
      { line: 5, message: shared("127.0.0.1") },
    ]);
    expect(parsed.rows).toEqual([]);
  });

  it("rolls back everything when the database refuses a row", async () => {
    const before = await tableCounts();
    // Bypasses parsing on purpose: the schema's own check must still leave nothing behind.
    const rows: CatalogRow[] = [
      {
        kind: "credential",
        line: 2,
        title: "Rollback One",
        provider: "Rollback Provider",
        providerUrl: null,
        url: "https://e.com/1",
        estimatedHours: 3,
        skills: [],
        costUsd: null,
        level: "beginner",
      },
      {
        kind: "credential",
        line: 3,
        title: "Rollback Two",
        provider: "Rollback Provider",
        providerUrl: null,
        url: "https://e.com/2",
        estimatedHours: 5000,
        skills: [],
        costUsd: null,
        level: "beginner",
      },
    ];
    await expect(importCatalog(t.db, rows)).rejects.toThrow(/check constraint/);
    expect(await tableCounts()).toEqual(before);
  });
});
