import { readdir } from "node:fs/promises";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const DIR = resolve(import.meta.dirname, "../../migrations");
const NAME = /^(\d{8})_(\d{3})_[a-z0-9_]+\.ts$/;

/**
 * Numbers given twice before this check existed. Data directories have run them under these
 * names, so renaming them would report missing migrations; the list may only shrink.
 */
const SHARED_NUMBERS: Record<string, number> = { "025": 2, "026": 4 };

describe("migrations", () => {
  it("are named date_number_words.ts and each new one takes a number of its own", async () => {
    const files = (await readdir(DIR)).filter((f) => !f.endsWith(".map")).sort();
    const counts = new Map<string, number>();
    for (const file of files) {
      const match = NAME.exec(file);
      expect(match, `${file} is not named like 20261207_028_what_it_does.ts`).not.toBeNull();
      const number = (match as RegExpExecArray)[2] as string;
      counts.set(number, (counts.get(number) ?? 0) + 1);
    }
    const shared = Object.fromEntries([...counts].filter(([, n]) => n > 1));
    expect(shared).toEqual(SHARED_NUMBERS);
  });

  it("run in the order of their numbers", async () => {
    const files = (await readdir(DIR)).filter((f) => NAME.test(f)).sort();
    const numbers = files.map((f) => Number((NAME.exec(f) as RegExpExecArray)[2]));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  });
});
