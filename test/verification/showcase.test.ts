import { describe, expect, it } from "vitest";
import { displayStatus, linkedInAddToProfileUrl } from "../../src/domain/verification/index.ts";
import { resumeLine } from "../../src/messages/verification.ts";

describe("linkedInAddToProfileUrl", () => {
  it("builds the full link with months 1-12 and encoded values", () => {
    const url = linkedInAddToProfileUrl({
      name: "Data & AI Fundamentals",
      issuerName: "Example Corp",
      issuedOn: "2024-01-15T10:00:00Z",
      expires: "2026-12-31T23:59:59Z",
      url: "https://example.org/badges/1?x=1",
      id: "abc 123",
    });
    expect(url).toBe(
      "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=Data%20%26%20AI%20Fundamentals" +
        "&organizationName=Example%20Corp&issueYear=2024&issueMonth=1&expirationYear=2026&expirationMonth=12" +
        "&certUrl=https%3A%2F%2Fexample.org%2Fbadges%2F1%3Fx%3D1&certId=abc%20123",
    );
  });

  it("leaves out empty parameters", () => {
    const url = new URL(
      linkedInAddToProfileUrl({ name: "Teamwork", issuerName: "", expires: null }),
    );
    expect([...url.searchParams.keys()]).toEqual(["startTask", "name"]);
    expect(url.searchParams.get("name")).toBe("Teamwork");
  });

  it("ignores unparsable dates instead of emitting NaN", () => {
    const url = linkedInAddToProfileUrl({ name: "X", issuedOn: "soon" });
    expect(url).not.toContain("issueYear");
  });
});

describe("resumeLine", () => {
  it("reads Credential — Issuer, Month Year, verify at URL", () => {
    expect(
      resumeLine({
        name: "Teamwork",
        issuerName: "Example Corp",
        issuedOn: "2023-12-01T00:00:00Z",
        url: "https://example.org/a/1",
      }),
    ).toBe("Teamwork — Example Corp, December 2023, verify at https://example.org/a/1");
  });

  it("drops missing parts", () => {
    expect(resumeLine({ name: "Teamwork" })).toBe("Teamwork");
  });

  it("writes the month and the link in the person's language", () => {
    const c = { name: "Teamwork", issuedOn: "2023-12-01T00:00:00Z", url: "https://e.org/1" };
    expect(resumeLine(c, "de-DE")).toBe("Teamwork, Dezember 2023, prüfbar unter https://e.org/1");
    expect(resumeLine(c, "ja-JP")).toBe("Teamwork、2023年12月、確認先: https://e.org/1");
  });
});

describe("displayStatus", () => {
  it("calls only checked badges verified", () => {
    expect(displayStatus({ verdict: "valid", kind: "ob3" })).toBe("verified");
    expect(displayStatus({ verdict: "warning", kind: "ob2" })).toBe("verified");
    expect(displayStatus({ verdict: "invalid", kind: "ob3" })).toBe("unverified");
    expect(displayStatus({ verdict: "warning", kind: "link_only" })).toBe("link_only");
    expect(displayStatus({ verdict: "valid", kind: "unknown" })).toBe("unverified");
  });
});
