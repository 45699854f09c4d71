import { describe, expect, it } from "vitest";
import { svgToPng } from "../../src/domain/reports/chart.ts";

const svg = (body: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40" font-family="DejaVu Sans, Arial, sans-serif">${body}</svg>`;

describe("the digest chart's font", () => {
  it("draws text with the bundled DejaVu Sans, whatever fonts the system has", () => {
    const blank = svgToPng(svg(""));
    const labelled = svgToPng(svg('<text x="10" y="25" font-size="16">12 h · 3 Mar</text>'));
    const bold = svgToPng(
      svg('<text x="10" y="25" font-size="16" font-weight="bold">12 h · 3 Mar</text>'),
    );
    // Without a usable font resvg leaves text out and the image stays blank.
    expect(Buffer.from(labelled).equals(Buffer.from(blank))).toBe(false);
    expect(Buffer.from(bold).equals(Buffer.from(labelled))).toBe(false);
  });
});
