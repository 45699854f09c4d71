import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CatalogEntry, CatalogRepository } from "../../src/domain/catalog/repository.ts";
import { costBand, recommend } from "../../src/domain/recommendations/recommend.ts";
import {
  buildVocabulary,
  extractSkills,
  vocabulary,
} from "../../src/domain/recommendations/vocabulary.ts";
import { StackRepository, type StackSummary } from "../../src/domain/stacks/repository.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

interface Case {
  asked: string;
  /** Titles expected among the first `within` suggestions (all of them). */
  top: string[];
  within?: number;
  /** Skills the "why" of the first expected credential must name. */
  covers?: string[];
  stack?: string;
}

const PL300 = "Microsoft Power BI Data Analyst (PL-300)";
const CASES: Case[] = [
  {
    asked: "marketing coordinator",
    top: ["Meta Social Media Marketing Professional Certificate", "Generative AI for Marketers"],
    within: 2,
    stack: "Marketer with AI",
  },
  { asked: "accountant", top: [PL300], within: 1, covers: ["Power BI", "dashboards"] },
  { asked: "Customer service representative", top: ["AI-Powered Customer Service"], within: 1 },
  { asked: "HR", top: ["People Analytics"], within: 1 },
  { asked: "HR business partner", top: ["People Analytics"], within: 1 },
  {
    asked: "project manager",
    top: ["Google Project Management Certificate", "AI in Project Management"],
    within: 2,
    stack: "Project manager with AI",
  },
  {
    asked: "PM",
    top: ["Google Project Management Certificate"],
    within: 1,
    stack: "Project manager with AI",
  },
  { asked: "BI analyst", top: [PL300], within: 1, covers: ["Power BI", "dashboards", "DAX"] },
  {
    asked: "data analyst",
    top: ["Google Data Analytics Professional Certificate"],
    within: 1,
    stack: "Data analyst",
  },
  { asked: "UX designer", top: ["Google UX Design Professional Certificate"], within: 1 },
  { asked: "SOC analyst", top: ["Google Cybersecurity Professional Certificate"], within: 1 },
  { asked: "help desk technician", top: ["Google IT Support Professional Certificate"], within: 1 },
  {
    asked: "cloud engineer",
    top: ["Microsoft Azure Fundamentals (AZ-900)", "Microsoft Azure AI Fundamentals (AI-900)"],
    within: 2,
    stack: "Cloud foundations",
  },
  { asked: "software engineer", top: ["GitHub Foundations"], within: 1 },
  { asked: "sales development representative", top: ["Inbound Sales"], within: 1 },
  {
    asked: "operations manager",
    top: ["Microsoft Power Platform Fundamentals (PL-900)"],
    within: 1,
  },
  // Abbreviations and synonyms: the hours then decide between equals.
  { asked: "prompting", top: ["Google Prompting Essentials"], within: 1 },
  { asked: "genAI", top: ["Generative AI for Business Leaders"], within: 1 },
  {
    asked:
      "We are hiring a Social Media Specialist to own our content calendar, run paid social campaigns on Instagram and Facebook, and use genAI tools to draft copy.",
    top: ["Meta Social Media Marketing Professional Certificate", "Generative AI for Marketers"],
    within: 2,
  },
  {
    asked:
      "Finance team seeks an analyst to build and maintain Power BI dashboards, write DAX measures and design data models. Month-end close experience a plus.",
    top: [PL300],
    within: 1,
    covers: ["Power BI", "DAX", "dashboards", "data modeling"],
  },
  {
    asked:
      "Support agent for our help center: answer support tickets by chat and email, write macros and build chatbots. Shifts end at 5 pm; an hr of overtime may be needed.",
    top: ["AI-Powered Customer Service"],
    within: 1,
  },
];

describe("recommendation quality on the seeded catalog", () => {
  let t: TestDatabase;
  let entries: CatalogEntry[];
  let stacks: StackSummary[];

  beforeAll(async () => {
    t = await createTestDatabase("recommend_quality");
    entries = await new CatalogRepository(t.db).all();
    stacks = await new StackRepository(t.db).all();
  });
  afterAll(async () => {
    await t.drop();
  });

  it.each(CASES)("$asked", (c) => {
    const rec = recommend(c.asked, entries, stacks, vocabulary());
    expect(rec.matched).toBe(true);
    const titles = rec.suggestions.map((s) => s.entry.title);
    expect(titles.slice(0, c.within ?? c.top.length)).toEqual(expect.arrayContaining(c.top));
    if (c.covers) {
      const first = rec.suggestions.find((s) => s.entry.title === c.top[0])!;
      expect(first.covers).toEqual(expect.arrayContaining(c.covers));
    }
    if (c.stack) expect(rec.stacks.map((s) => s.title)).toContain(c.stack);
  });

  it("has at least 15 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(15);
  });

  it("does not read a lower-case 'pm' or 'hr' in a long description as a role", () => {
    const text = CASES.at(-1)!.asked;
    const found = extractSkills(text, vocabulary());
    expect(found.roles.map((r) => r.name)).toEqual(["customer service representative"]);
    expect(found.skills).not.toContain("project management");
    expect(found.skills).not.toContain("human resources");
  });

  it("answers honestly with the closest stacks when nothing matches", () => {
    const rec = recommend("astronaut", entries, stacks, vocabulary());
    expect(rec.matched).toBe(false);
    expect(rec.suggestions).toEqual([]);
    expect(rec.stacks.length).toBeGreaterThan(0);
  });

  it("ranks by coverage, then hours, then cost", () => {
    const rec = recommend("cloud engineer", entries, stacks, vocabulary());
    const hours = rec.suggestions.slice(0, 2).map((s) => s.entry.estimatedHours);
    expect(hours).toEqual([...hours].sort((a, b) => a - b));
    expect(rec.suggestions.slice(0, 2).every((s) => s.covers.length === 2)).toBe(true);
    expect(rec.suggestions[2]?.covers.length ?? 0).toBeLessThan(2);
  });

  it("bands costs as free, under $100 and more", () => {
    expect([0, 49, 99, 100, 165, null].map(costBand)).toEqual([
      "free",
      "under $100",
      "under $100",
      "$100 or more",
      "$100 or more",
      "cost varies",
    ]);
  });

  it("rejects a vocabulary that names an unknown skill", () => {
    expect(() =>
      buildVocabulary({ version: 1, skills: { sql: {} }, roles: { dba: { skills: ["oracle"] } } }),
    ).toThrow(/unknown skill "oracle"/);
  });
});
