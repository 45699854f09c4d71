import { crc32, createDeflate, createGzip } from "node:zlib";
import { describe, expect, it } from "vitest";
import { type Fetcher, verifyCredential } from "../../src/domain/verification/index.ts";
import { bitstringStatus } from "../../src/domain/verification/status.ts";

const MB = 1_000_000;

/** `megabytes` of zeros through a zlib stream, written in 1 MB pieces so making it stays small. */
async function compressedZeros(megabytes: number, gzip = false): Promise<Buffer> {
  const stream = gzip ? createGzip({ level: 9 }) : createDeflate({ level: 9 });
  const out: Buffer[] = [];
  stream.on("data", (c: Buffer) => out.push(c));
  const zero = Buffer.alloc(MB);
  for (let i = 0; i < megabytes; i++) {
    await new Promise<void>((resolve) => {
      if (stream.write(zero)) resolve();
      else stream.once("drain", resolve);
    });
  }
  const ended = new Promise<void>((resolve) => stream.on("end", resolve));
  stream.end();
  await ended;
  return Buffer.concat(out);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function png(chunks: Buffer[]): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8;
  ihdr[9] = 0;
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(
    Buffer.concat([signature, chunk("IHDR", ihdr), ...chunks, chunk("IEND", Buffer.alloc(0))]),
  );
}

/** iTXt: keyword NUL, compressed flag, method, language NUL, translated keyword NUL, text. */
function itxt(keyword: string, deflated: Buffer): Buffer {
  return chunk(
    "iTXt",
    Buffer.concat([Buffer.from(`${keyword}\0`, "latin1"), Buffer.from([1, 0, 0, 0]), deflated]),
  );
}

/** Growth of this process's peak resident memory while `work` runs, in MB. */
async function peakGrowth(work: () => Promise<unknown>): Promise<number> {
  const before = process.resourceUsage().maxRSS;
  await work();
  return (process.resourceUsage().maxRSS - before) / 1024;
}

const NOW = new Date("2026-06-01T00:00:00Z");
const offline: Fetcher = async (url) => {
  throw new Error(`unreachable ${url}`);
};

describe("decompression has an output limit", () => {
  it("a baked PNG that inflates to 300 MB is refused without inflating it all", async () => {
    const bomb = await compressedZeros(300);
    expect(bomb.length).toBeLessThan(MB);
    const file = png([itxt("openbadges", bomb)]);
    let verdict = "";
    let message = "";
    const growth = await peakGrowth(async () => {
      const r = await verifyCredential(file, { now: NOW, fetch: offline });
      verdict = r.verdict;
      message = r.reasons[0]?.message ?? "";
    });
    expect(verdict).toBe("invalid");
    expect(message).toContain("no badge baked into it");
    expect(growth).toBeLessThan(100);
  });

  it("a chunk with another keyword is never inflated, however large", async () => {
    const bomb = await compressedZeros(300);
    const growth = await peakGrowth(() =>
      verifyCredential(png([itxt("comment", bomb)]), { now: NOW, fetch: offline }),
    );
    expect(growth).toBeLessThan(100);
  });

  it("a gzipped status list that inflates to 300 MB reads as undecodable", async () => {
    const encoded = `u${(await compressedZeros(300, true)).toString("base64url")}`;
    let bit: boolean | null = true;
    const growth = await peakGrowth(async () => {
      bit = bitstringStatus(encoded, 7);
    });
    expect(bit).toBeNull();
    expect(growth).toBeLessThan(100);
    // a real-sized list still reads
    const small = `u${(await compressedZeros(1, true)).toString("base64url")}`;
    expect(bitstringStatus(small, 7)).toBe(false);
  });
});

describe("one budget for everything a check fetches", () => {
  const credential = (endorsements: number) => ({
    "@context": [
      "https://www.w3.org/ns/credentials/v2",
      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    id: "urn:uuid:7d1b6b1a-0000-4000-8000-000000000001",
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    issuer: { id: "https://issuer.example/", type: ["Profile"], name: "Issuer" },
    validFrom: "2026-01-01T00:00:00Z",
    name: "Flooded",
    credentialSubject: {
      type: ["AchievementSubject"],
      achievement: {
        id: "https://issuer.example/a",
        type: ["Achievement"],
        name: "Flooded",
        description: "d",
        criteria: { narrative: "n" },
      },
    },
    endorsement: Array.from({ length: endorsements }, (_, i) => ({
      "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
      ],
      id: `urn:uuid:7d1b6b1a-0000-4000-8000-${String(i).padStart(12, "0")}`,
      type: ["VerifiableCredential", "EndorsementCredential"],
      issuer: { id: `https://endorser${i}.example/`, type: ["Profile"] },
      validFrom: "2026-01-01T00:00:00Z",
      credentialSubject: { id: "https://issuer.example/a", type: ["EndorsementSubject"] },
      proof: {
        type: "DataIntegrityProof",
        cryptosuite: "eddsa-rdfc-2022",
        verificationMethod: `https://endorser${i}.example/keys/1`,
        proofPurpose: "assertionMethod",
        proofValue: "z1",
      },
    })),
  });

  it("an endorsement flood is refused before any of it is processed", async () => {
    const asked: string[] = [];
    const counting: Fetcher = async (url) => {
      asked.push(url);
      throw new Error("unreachable");
    };
    const flood = credential(5000);
    let codes: string[] = [];
    const growth = await peakGrowth(async () => {
      const r = await verifyCredential(flood, { now: NOW, fetch: counting });
      codes = r.reasons.map((x) => x.code);
    });
    expect(codes).toEqual(["endorsement.flood"]);
    expect(asked).toEqual([]);
    expect(growth).toBeLessThan(100);
  });

  it("of a few dozen endorsements only the first ten are checked", async () => {
    const asked: string[] = [];
    const counting: Fetcher = async (url) => {
      asked.push(url);
      throw new Error("unreachable");
    };
    const r = await verifyCredential(credential(40), { now: NOW, fetch: counting });
    expect(r.reasons.map((x) => x.code)).toContain("endorsement.skipped");
    const endorsers = new Set(
      asked.filter((u) => u.includes("endorser")).map((u) => new URL(u).host),
    );
    expect(endorsers.size).toBe(10);
  });

  it("stops fetching once the count of requests is spent, and says so", async () => {
    const asked: string[] = [];
    const counting: Fetcher = async (url) => {
      asked.push(url);
      throw new Error("unreachable");
    };
    const r = await verifyCredential(credential(8), {
      now: NOW,
      fetch: counting,
      budget: { maxRequests: 3 },
    });
    expect(asked).toHaveLength(3);
    expect(r.reasons.map((x) => x.code)).toContain("fetch.budget_exceeded");
    expect(r.verdict).toBe("invalid");
  });

  it("one signal stops the request in flight and the check answers at once", async () => {
    const stop = new AbortController();
    let sawAbort = false;
    const hanging: Fetcher = (_url, options) =>
      new Promise((_, reject) => {
        options?.signal?.addEventListener("abort", () => {
          sawAbort = true;
          reject(new Error("stopped"));
        });
        // the caller gives up while this request is still open
        stop.abort();
      });
    const r = await verifyCredential("https://issuer.example/badge.json", {
      now: NOW,
      fetch: hanging,
      signal: stop.signal,
    });
    expect(sawAbort).toBe(true);
    expect(r.reasons).toEqual([
      expect.objectContaining({
        code: "fetch.failed",
        message: expect.stringContaining("too long"),
      }),
    ]);
  });
});
