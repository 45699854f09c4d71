import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  createMappedFetch,
  type Fetcher,
  verifyCredential,
} from "../../src/domain/verification/index.ts";

// Copied from the shared fixture set (Apache-2.0, see fixtures/openbadges/LICENSE-Apache-2.0.txt)
// so the suite runs without anything outside the repository.
const ROOT = fileURLToPath(new URL("./fixtures/openbadges/", import.meta.url));

interface Sample {
  file: string;
  spec: "ob2" | "ob3";
  expected: "valid" | "warning" | "invalid" | "unknown";
  offline: boolean;
  reason: string;
}

const verdicts = JSON.parse(readFileSync(`${ROOT}verdicts.json`, "utf8")) as {
  samples: Sample[];
  urlMap: {
    prefixes: { prefix: string; dir: string }[];
    schemas: Record<string, string>;
  };
};

const REVOKED_LIST_URL =
  "https://dc.1edtech.org/wellspring2022/wellspring-portal/api/revocations/da1e96e9-afcc-4eed-b9a2-2ddf7353214c";

const mapped = createMappedFetch([
  ...verdicts.urlMap.prefixes.map((p) => ({ prefix: p.prefix, path: ROOT + p.dir })),
  ...Object.entries(verdicts.urlMap.schemas).map(([url, file]) => ({
    prefix: url,
    path: ROOT + file,
  })),
]);

/** Offline loader; the one live revocation list upstream used is served as the README says. */
function fixtureFetch(revokedId: string | null): Fetcher {
  return async (url, options) => {
    if (revokedId && url === REVOKED_LIST_URL) {
      const body = new TextEncoder().encode(
        JSON.stringify({ revokedCredential: [{ id: revokedId }] }),
      );
      return { url, finalUrl: url, status: 200, contentType: "application/json", body };
    }
    return mapped(url, options);
  };
}

const NOW = new Date("2025-06-01T12:00:00Z");
const judged = verdicts.samples.filter((s) => s.expected !== "unknown");

function credentialId(file: string): string | null {
  try {
    const doc = JSON.parse(readFileSync(ROOT + file, "utf8")) as { id?: unknown };
    return typeof doc.id === "string" ? doc.id : null;
  } catch {
    return null;
  }
}

describe("official validator fixtures", () => {
  it("has every judged sample on disk", () => {
    expect(judged.length).toBeGreaterThanOrEqual(71);
  });

  it.each(judged.map((s) => [s.file, s] as const))("%s", async (file, sample) => {
    const bytes = new Uint8Array(readFileSync(ROOT + file));
    const revokedId = file === "ob30/credential-status-revoked.json" ? credentialId(file) : null;
    const result = await verifyCredential(bytes, { now: NOW, fetch: fixtureFetch(revokedId) });
    const detail = `${file}: ${JSON.stringify(result.reasons, null, 1)}`;
    if (sample.expected === "valid" && sample.spec === "ob2") {
      // upstream ran OB 2.0 valid samples with warnings switched off
      expect(result.verdict, detail).not.toBe("invalid");
    } else {
      expect(result.verdict, detail).toBe(sample.expected);
    }
    expect(result.kind).toBe(sample.spec);
  });
});
