import { describe, expect, it } from "vitest";
import { captureSnapshots, readSnapshots } from "../../scripts/sql-snapshots.ts";

describe("SQL snapshots of the hot paths", () => {
  it("match what the code sends now (run npm run sql:snapshots and commit the diff)", async () => {
    const now = await captureSnapshots();
    const committed = await readSnapshots();
    expect([...committed.keys()].sort()).toEqual([...now.keys()].sort());
    for (const [name, text] of now) expect(committed.get(name), name).toBe(text);
    // Each path sends at least one statement of its own, not only a transaction's begin and commit.
    for (const [name, text] of now) {
      expect(text.replace(/^(--.*|begin;|commit;)$/gm, "").trim(), name).not.toBe("");
    }
  });
});
