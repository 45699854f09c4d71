import { describe, expect, it } from "vitest";
import { fontFamily, svgToPng, weeklyHoursSvg } from "../../src/domain/reports/chart.ts";
import { translator } from "../../src/i18n/index.ts";

const svg = (body: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40" font-family="${fontFamily(body)}">${body}</svg>`;
const label = (text: string, weight = "normal") =>
  svgToPng(svg(`<text x="10" y="25" font-size="16" font-weight="${weight}">${text}</text>`));
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe("the digest chart's fonts", () => {
  it("draws text with the bundled DejaVu Sans, whatever fonts the system has", () => {
    const blank = svgToPng(svg(""));
    const labelled = label("12 h · 3 Mar");
    // Without a usable font resvg leaves text out and the image stays blank.
    expect(same(labelled, blank)).toBe(false);
    expect(same(label("12 h · 3 Mar", "bold"), labelled)).toBe(false);
  });

  it("draws Japanese with the bundled Zen Kaku Gothic New, each glyph its own", () => {
    const blank = svgToPng(svg(""));
    // DejaVu has no kana or kanji: with it alone both labels are left blank and equal.
    const week = label("週の開始日");
    const month = label("月の開始日");
    expect(same(week, blank)).toBe(false);
    expect(same(week, month)).toBe(false);
    expect(same(label("週の開始日", "bold"), week)).toBe(false);
  });

  it("renders a Japanese digest chart with every label's own glyphs, not blank boxes", () => {
    const t = translator("ja-JP");
    const weeks = ["2026-11-16", "2026-11-23", "2026-11-30"];
    const chart = (team: string) =>
      svgToPng(
        weeklyHoursSvg(t.t("chart.title", { team }), weeks, [2, 5, 3], {
          axis: t.t("chart.axis"),
          number: (n) => t.num(n),
          week: (iso) => t.shortDate(iso),
        }),
      );
    // Missing glyphs are drawn as the same empty box: team names one kanji apart would match.
    expect(same(chart("営業部"), chart("開発部"))).toBe(false);
  });
});
