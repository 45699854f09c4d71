import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type CatalogRow,
  type CredentialRow,
  parseCatalogFile,
  type StackRow,
} from "../../src/domain/catalog/import.ts";

const HEADER = "title,provider,url,estimated_hours,skills,cost_usd,level";
const fixture = (name: string) =>
  readFileSync(new URL(`fixtures/${name}`, import.meta.url), "utf8");
const credentials = (rows: CatalogRow[]) =>
  rows.filter((r): r is CredentialRow => r.kind === "credential");

describe("parseCatalogFile, CSV", () => {
  it("reads quoted commas and line breaks in titles, and keeps later line numbers right", () => {
    const text = [
      HEADER,
      '"Cloud, Data and AI",Coursera,https://example.com/a,12.5,Cloud; AI | data,$49,Beginner',
      '"Prompting',
      'for Everyone",Coursera,https://example.com/b,3,,free,intermediate',
      'Plain title,"New Provider, Inc.",http://example.com/c,1,,,advanced',
      "Broken,Coursera,https://example.com/d,ten,,,beginner",
    ].join("\n");
    const { rows, errors } = parseCatalogFile(text, "csv");
    // The bad row sits on line 6 because row 2 spans lines 3 and 4.
    expect(errors).toEqual([{ line: 6, message: 'estimated_hours "ten" is not a number' }]);
    expect(credentials(rows)).toEqual([
      expect.objectContaining({
        line: 2,
        title: "Cloud, Data and AI",
        estimatedHours: 12.5,
        skills: ["cloud", "ai", "data"],
        costUsd: 49,
        level: "beginner",
        providerUrl: null,
      }),
      expect.objectContaining({
        line: 3,
        title: "Prompting for Everyone",
        skills: [],
        costUsd: 0,
        level: "intermediate",
      }),
      expect.objectContaining({
        line: 5,
        provider: "New Provider, Inc.",
        url: "http://example.com/c",
        costUsd: null,
      }),
    ]);
  });

  it("reads a BOM and CRLF line endings, including CRLF inside a quoted title", () => {
    const text = `\uFEFF${HEADER}\r\n"Two\r\nlines",edX,https://example.com/a,4,ai,0,beginner\r\nBad,edX,https://example.com/b,4,ai,0,expert\r\n`;
    const { rows, errors } = parseCatalogFile(text, "csv");
    expect(errors).toEqual([
      { line: 4, message: 'level "expert" is not one of beginner, intermediate, advanced' },
    ]);
    expect(credentials(rows)[0]).toMatchObject({ line: 2, title: "Two lines", provider: "edX" });
  });

  it("reports every bad row with its own line number", () => {
    const long = "x".repeat(201);
    const text = [
      HEADER,
      ",Coursera,https://example.com/1,5,,,beginner",
      "Level,Coursera,https://example.com/2,5,,,expert",
      "Zero,Coursera,https://example.com/3,0,,,beginner",
      "Huge,Coursera,https://example.com/4,1001,,,beginner",
      "Ftp,Coursera,ftp://example.com/5,5,,,beginner",
      "Nourl,Coursera,example.com/6,5,,,beginner",
      `${long},Coursera,https://example.com/7,5,,,beginner`,
      "Fine,Coursera,https://example.com/8,5,,,beginner",
      "fine,COURSERA,https://example.com/9,6,,,beginner",
      "Cost,Coursera,https://example.com/10,5,,-3,beginner",
      "Short,Coursera,https://example.com/11,5",
      ",,,,,,",
      "Priced,Coursera,https://example.com/13,5,,lots,beginner",
    ].join("\n");
    const { errors } = parseCatalogFile(text, "csv");
    expect(errors).toEqual([
      { line: 2, message: "title is missing" },
      { line: 3, message: 'level "expert" is not one of beginner, intermediate, advanced' },
      { line: 4, message: "estimated_hours must be more than 0 (got 0)" },
      { line: 5, message: "estimated_hours must be at most 1000 (got 1001)" },
      { line: 6, message: 'url "ftp://example.com/5" must start with http:// or https://' },
      {
        line: 7,
        message: 'url "example.com/6" is not a valid URL (it must start with https://)',
      },
      { line: 8, message: "title is 201 characters long; the limit is 200" },
      {
        line: 11,
        message: "cost_usd cannot be negative (got -3)",
      },
      {
        line: 12,
        message: "row has 4 fields; the first row has 7 (quote values that contain commas)",
      },
      {
        line: 14,
        message:
          'cost_usd "lots" is not an amount (write 49, $49 or free, or leave it empty when unknown)',
      },
    ]);
  });

  it("reports rows duplicated within the file, ignoring case, once the rows themselves are valid", () => {
    const text = [
      HEADER,
      "Fine,Coursera,https://example.com/8,5,,,beginner",
      "Other,Coursera,https://example.com/9,5,,,beginner",
      "fine,COURSERA,https://example.com/9,6,,,beginner",
    ].join("\n");
    expect(parseCatalogFile(text, "csv").errors).toEqual([
      { line: 4, message: 'duplicate of line 2: "fine" from COURSERA is already in this file' },
    ]);
  });

  it("accepts the cost forms people type", () => {
    const costs = ["$1,299", "49 USD", "FREE", " ", "0", "19.99"];
    const text = [
      HEADER,
      ...costs.map((c, i) => `T${i},P,https://example.com/${i},1,,"${c}",beginner`),
    ].join("\n");
    const { rows, errors } = parseCatalogFile(text, "csv");
    expect(errors).toEqual([]);
    expect(credentials(rows).map((r) => r.costUsd)).toEqual([1299, 49, 0, null, 0, 19.99]);
  });

  it("checks the header row and names what is missing or unknown", () => {
    const text = "Title,Provider,URL,Estimated Hours,skils,level\nA,B,https://e.com,1,x,beginner";
    expect(parseCatalogFile(text, "csv").errors).toEqual([
      {
        line: 1,
        message:
          'unknown column "skils" (the columns are title, provider, url, estimated_hours, skills, cost_usd, level, provider_url, xapi_activities, credly_templates, issuer_domains)',
      },
      { line: 1, message: "missing columns skills, cost_usd in the first row" },
    ]);
  });

  it("reports an unclosed quote, an empty file and a file with only a header", () => {
    const unclosed = `${HEADER}\nA,B,https://e.com,1,,,beginner\n"Open,B,https://e.com,1,,,beginner\n`;
    const [syntax] = parseCatalogFile(unclosed, "csv").errors;
    // The quote opens on line 3 and is never closed.
    expect(syntax?.line).toBe(3);
    expect(syntax?.message).toMatch(/^CSV syntax: Quote Not Closed/);
    expect(parseCatalogFile("", "csv").errors[0]?.message).toMatch(/^the file is empty/);
    expect(parseCatalogFile(`${HEADER}\n`, "csv").errors).toEqual([
      { line: 1, message: "the file has no credentials to import" },
    ]);
  });

  it("flags one provider given two different URLs", () => {
    const text = [
      `${HEADER},provider_url`,
      "A,Acme,https://e.com/a,1,,,beginner,https://acme.example",
      "B,acme,https://e.com/b,1,,,beginner,https://acme.example",
      "C,ACME,https://e.com/c,1,,,beginner,https://other.example",
    ].join("\n");
    expect(parseCatalogFile(text, "csv").errors).toEqual([
      {
        line: 4,
        message:
          'provider_url "https://other.example" for ACME differs from "https://acme.example" on line 2',
      },
    ]);
  });

  it("reads the example file without errors", () => {
    const { rows, errors } = parseCatalogFile(fixture("example.csv"), "csv");
    expect(errors).toEqual([]);
    expect(credentials(rows).map((r) => r.title)).toContain(
      "Introduction to Cloud Computing, AWS Edition",
    );
  });
});

describe("parseCatalogFile, YAML", () => {
  it("reads providers, credentials and a stack from the example file", () => {
    const { rows, errors } = parseCatalogFile(fixture("example.yaml"), "yaml");
    expect(errors).toEqual([]);
    expect(rows.filter((r) => r.kind === "provider")).toEqual([
      {
        kind: "provider",
        line: 3,
        name: "DeepLearning.AI",
        url: "https://www.deeplearning.ai",
        issuerDomains: [],
      },
    ]);
    expect(credentials(rows)).toEqual([
      expect.objectContaining({ line: 7, title: "Generative AI for Everyone", costUsd: 0 }),
      expect.objectContaining({
        line: 14,
        skills: ["data analysis", "sql", "spreadsheets", "tableau"],
        costUsd: 49,
      }),
    ]);
    const stack = rows.find((r): r is StackRow => r.kind === "stack");
    expect(stack).toMatchObject({
      line: 27,
      role: "business analyst",
      title: "Data analyst with AI",
    });
    expect(stack?.credentials).toEqual([
      { line: 32, title: "Google Data Analytics Certificate", provider: null },
      { line: 33, title: "Data Analysis with Python", provider: null },
      { line: 34, title: "Generative AI for Everyone", provider: null },
    ]);
  });

  it("reads a plain list of credentials", () => {
    const text = [
      "- title: AI Basics",
      "  provider: Acme",
      "  url: https://e.com/a",
      '  estimated_hours: "4"',
      "  skills: ai; ml",
      "  cost_usd: $10",
      "  level: advanced",
    ].join("\n");
    const { rows, errors } = parseCatalogFile(text, "yaml");
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      {
        kind: "credential",
        line: 1,
        title: "AI Basics",
        provider: "Acme",
        providerUrl: null,
        url: "https://e.com/a",
        estimatedHours: 4,
        skills: ["ai", "ml"],
        costUsd: 10,
        level: "advanced",
      },
    ]);
  });

  it("points each error at the line of the field that is wrong", () => {
    const text = [
      "credentials:", // 1
      "  - title: Good", // 2
      "    provider: Acme", // 3
      "    url: https://e.com/a", // 4
      "    estimated_hours: 5", // 5
      "    level: beginner", // 6
      "  - provider: Acme", // 7
      "    url: mailto:x@e.com", // 8
      "    estimated_hours: -1", // 9
      "    level: guru", // 10
      "    hours: 3", // 11
      "  - title: good", // 12
      "    provider: acme", // 13
      "    url: https://e.com/b", // 14
      "    estimated_hours: 5", // 15
      "    level: beginner", // 16
      "stacks:", // 17
      "  - role: tester", // 18
      "    title: Tester", // 19
      "    credentials: [Good, Good]", // 20
      "  - role: empty", // 21
      "    title: Empty", // 22
      "    credentials: []", // 23
    ].join("\n");
    expect(parseCatalogFile(text, "yaml").errors).toEqual([
      { line: 7, message: "title is missing" },
      { line: 8, message: 'url "mailto:x@e.com" must start with http:// or https://' },
      { line: 9, message: "estimated_hours must be more than 0 (got -1)" },
      { line: 10, message: 'level "guru" is not one of beginner, intermediate, advanced' },
      {
        line: 11,
        message:
          'unknown field "hours" (the fields are title, provider, url, estimated_hours, skills, cost_usd, level, provider_url, xapi_activities, credly_templates, issuer_domains)',
      },
      { line: 20, message: '"Good" is already in this stack (line 20)' },
      { line: 23, message: "a stack needs at least one credential" },
    ]);
  });

  it("reports duplicates across the file once every row is valid", () => {
    const text = [
      "credentials:",
      "  - {title: Good, provider: Acme, url: 'https://e.com/a', estimated_hours: 5, level: beginner}",
      "  - {title: good, provider: acme, url: 'https://e.com/b', estimated_hours: 5, level: beginner}",
      "stacks:",
      "  - {role: qa, title: QA, credentials: [Good]}",
      "  - {role: QA, title: QA again, credentials: [Good]}",
    ].join("\n");
    expect(parseCatalogFile(text, "yaml").errors).toEqual([
      { line: 3, message: 'duplicate of line 2: "good" from acme is already in this file' },
      { line: 6, message: 'stack for role "QA" is listed again (first on line 5)' },
    ]);
  });

  it("reports YAML syntax errors and wrong shapes with their lines", () => {
    const [syntax] = parseCatalogFile("credentials:\n  - title: [unclosed\n", "yaml").errors;
    expect(syntax?.message).toMatch(/^YAML syntax: /);
    expect(syntax?.line).toBeGreaterThanOrEqual(2);
    expect(parseCatalogFile("title: Lonely\ncredential: []\n", "yaml").errors).toEqual([
      {
        line: 1,
        message:
          'unknown section "title" (expected credentials, and optionally providers and stacks)',
      },
      {
        line: 2,
        message:
          'unknown section "credential" (expected credentials, and optionally providers and stacks)',
      },
    ]);
    expect(parseCatalogFile("just text", "yaml").errors).toEqual([
      {
        line: 1,
        message: "expected a list of credentials, or a mapping with a credentials list",
      },
    ]);
  });
});
