import { describe, expect, it } from "vitest";
import type { CatalogEntry } from "../../src/domain/catalog/repository.ts";
import type { StackProgress } from "../../src/domain/stacks/service.ts";
import { PSEUDO_LOCALE } from "../../src/i18n/index.ts";
import { messageText } from "../../src/messages/model.ts";
import {
  stackDefinedMessage,
  stackMessage,
  stackStartedMessage,
  stacksListMessage,
} from "../../src/messages/stacks.ts";
import { untranslated } from "./fixtures.ts";

const L = PSEUDO_LOCALE;
const entry = (id: number, title: string) =>
  ({
    id,
    title,
    provider: "Acme",
    url: null,
    estimatedHours: 10,
    costUsd: 0,
    level: "beginner",
    skills: [],
  }) as unknown as CatalogEntry;
const stack = {
  id: 1,
  role: "analyst",
  title: "Analyst stack",
  description: null,
  credentialIds: [1, 2, 3],
};
const progress = (statuses: (string | null)[]): StackProgress => ({
  stack,
  done: statuses.filter((s) => s === "completed").length,
  steps: statuses.map((status, i) => ({
    entry: entry(i + 1, `Course ${i + 1}`),
    goal: status ? { id: i + 1, status, loggedHours: 2 } : null,
  })) as unknown as StackProgress["steps"],
});
const DATA = [
  "Analyst stack",
  "analyst",
  "Acme",
  "Course 1",
  "Course 2",
  "Course 3",
  "stack analyst 5h/week",
  "stack define <role>: <credential>, <credential>",
];

describe("stack messages", () => {
  it("take every word from the catalogue", () => {
    const started = stackStartedMessage(
      stack,
      [
        {
          entry: entry(1, "Course 1"),
          outcome: "created",
          goalId: 1,
          status: "active",
          targetDate: "2027-01-31",
        },
        {
          entry: entry(2, "Course 2"),
          outcome: "created",
          goalId: 2,
          status: "paused",
          targetDate: "2027-03-31",
        },
        {
          entry: entry(3, "Course 3"),
          outcome: "already done",
          goalId: 3,
          status: "completed",
          targetDate: null,
        },
      ],
      4,
      L,
    );
    const messages = [
      stackMessage(progress(["completed", "active", null]), L),
      stackMessage(progress(["completed", "paused", "dropped"]), L),
      stackMessage(progress(["completed", "completed", "completed"]), L),
      stacksListMessage([], L),
      stacksListMessage([stack], L),
      started,
      stackDefinedMessage(stack, ["Course 1"], true, L),
    ];
    for (const m of messages) expect(untranslated(m, DATA)).toEqual([]);
  });

  it("say each step's state in words, not only with its mark", () => {
    const text = messageText(stackMessage(progress(["completed", "active", null]), "es"));
    expect(text).toContain("✅ 1. Course 1 · Acme · 10 h · hecho");
    expect(text).toContain("▶️ 2. Course 2 · Acme · 10 h · en curso, llevas 2 h");
    expect(text).toContain("◻️ 3. Course 3 · Acme · 10 h · sin empezar");
    expect(text).toContain("1 de 3 credenciales");
  });
});
