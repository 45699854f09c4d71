import { describe, expect, it } from "vitest";
import type { CatalogEntry } from "../../src/domain/catalog/repository.ts";
import type { Recommendation } from "../../src/domain/recommendations/recommend.ts";
import { PSEUDO_LOCALE } from "../../src/i18n/index.ts";
import { messageText } from "../../src/messages/model.ts";
import { recommendForm, recommendMessage } from "../../src/messages/recommend.ts";
import { untranslated } from "./fixtures.ts";

const entry = {
  id: 1,
  title: "Google Data Analytics",
  provider: "Google",
  url: null,
  estimatedHours: 180,
  costUsd: 49,
  level: "beginner",
  skills: [],
} as unknown as CatalogEntry;
const stack = {
  id: 2,
  role: "analyst",
  title: "Analyst stack",
  description: null,
  credentialIds: [1],
};
const found = {
  matched: true,
  skills: ["sql", "excel"],
  suggestions: [{ entry, covers: ["sql"] }],
  stacks: [stack],
} as unknown as Recommendation;
const none = {
  matched: false,
  skills: ["knitting"],
  suggestions: [],
  stacks: [stack],
} as unknown as Recommendation;
const DATA = [
  "data analyst",
  "Google Data Analytics",
  "Google",
  "sql",
  "excel",
  "knitting",
  "Analyst stack",
  "recommend data analyst",
  "catalog",
];

describe("recommendations", () => {
  it("take every word from the catalogue", () => {
    expect(untranslated(recommendMessage(found, "data analyst", PSEUDO_LOCALE), DATA)).toEqual([]);
    expect(untranslated(recommendMessage(none, "data analyst", PSEUDO_LOCALE), DATA)).toEqual([]);
    expect(untranslated(recommendForm(PSEUDO_LOCALE), DATA)).toEqual([]);
  });

  it("read in Spanish", () => {
    const text = messageText(recommendMessage(found, "data analyst", "es"));
    expect(text).toContain("Sugerencias para «data analyst»");
    expect(text).toContain("Cubre sql · 180 h · menos de 100 $");
    expect(text).toContain("Hay una ruta para este puesto: Analyst stack");
  });
});
