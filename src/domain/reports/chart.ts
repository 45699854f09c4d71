import { createRequire } from "node:module";
import { DateTime } from "luxon";

const WIDTH = 640;
const HEIGHT = 320;
const PAD = { top: 40, right: 20, bottom: 44, left: 48 };

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const TICKS = 4;

/**
 * The step between the axis's ticks: 1, 2 or 5 times a power of ten, at least one hour, so the
 * ticks are round numbers (an empty week reads 0, 1, 2, 3, 4, not 0, 0.3, 0.5…).
 */
export function tickStep(max: number): number {
  const raw = Math.max(max, 0) / TICKS;
  if (raw <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/** How the chart's words and numbers read; English by default. */
export interface ChartLabels {
  axis: string;
  number(n: number): string;
  week(iso: string): string;
}

const ENGLISH: ChartLabels = {
  axis: "week starting · hours logged",
  number: (n) => String(Number(n.toFixed(1))),
  week: (iso) => DateTime.fromISO(iso).toFormat("d LLL"),
};

/** A bar chart of weekly hours as SVG; bars oldest to newest, labelled by week start. */
export function weeklyHoursSvg(
  title: string,
  weekStarts: string[],
  hours: number[],
  labels: ChartLabels = ENGLISH,
): string {
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const step = tickStep(Math.max(...hours, 0));
  const top = step * TICKS;
  const slot = plotW / Math.max(hours.length, 1);
  const bar = slot * 0.7;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="${fontFamily([title, labels.axis, ...weekStarts.map(labels.week)].join(""))}">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${PAD.left}" y="24" font-size="16" font-weight="bold" fill="#1d1c1d">${esc(title)}</text>`,
  ];
  for (let i = 0; i <= TICKS; i++) {
    const v = step * i;
    const y = PAD.top + plotH - (plotH * i) / TICKS;
    parts.push(
      `<line x1="${PAD.left}" y1="${y}" x2="${WIDTH - PAD.right}" y2="${y}" stroke="#e0e0e0"/>`,
      `<text x="${PAD.left - 6}" y="${y + 4}" font-size="11" text-anchor="end" fill="#616061">${esc(labels.number(v))}</text>`,
    );
  }
  hours.forEach((h, i) => {
    const barH = (plotH * h) / top;
    const x = PAD.left + i * slot + (slot - bar) / 2;
    const y = PAD.top + plotH - barH;
    const last = i === hours.length - 1;
    parts.push(
      `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${bar.toFixed(1)}" height="${barH.toFixed(1)}" fill="${last ? "#2eb67d" : "#36c5f0"}"/>`,
      `<text x="${(x + bar / 2).toFixed(1)}" y="${(y - 4).toFixed(1)}" font-size="11" text-anchor="middle" fill="#1d1c1d">${h > 0 ? esc(labels.number(h)) : ""}</text>`,
      `<text x="${(x + bar / 2).toFixed(1)}" y="${HEIGHT - PAD.bottom + 16}" font-size="11" text-anchor="middle" fill="#616061">${esc(labels.week(weekStarts[i] ?? ""))}</text>`,
    );
  });
  parts.push(
    `<text x="${PAD.left + plotW / 2}" y="${HEIGHT - 8}" font-size="11" text-anchor="middle" fill="#616061">${esc(labels.axis)}</text>`,
    "</svg>",
  );
  return parts.join("");
}

const require = createRequire(import.meta.url);

/**
 * The chart's fonts come from npm, so labels render the same with or without system fonts
 * (containers): DejaVu Sans for Latin, Greek and Cyrillic; Zen Kaku Gothic New (SIL OFL) for
 * Japanese, which DejaVu lacks. resvg reads a font file each time it renders, so the Japanese
 * one (2.3 MB a weight) is read only for a chart with Japanese text in it.
 */
const LATIN = ["dejavu-fonts-ttf/ttf/DejaVuSans.ttf", "dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf"];
const JAPANESE = [
  "@expo-google-fonts/zen-kaku-gothic-new/400Regular/ZenKakuGothicNew_400Regular.ttf",
  "@expo-google-fonts/zen-kaku-gothic-new/700Bold/ZenKakuGothicNew_700Bold.ttf",
];
/** Kana, CJK ideographs and punctuation, full-width forms. */
const NEEDS_JAPANESE = /[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/u;

/**
 * Japanese text is set in Zen Kaku Gothic New throughout (its Latin and digits included), since
 * resvg's per-glyph fallback takes a regular face even for bold; other text in DejaVu Sans.
 */
export function fontFamily(text: string): string {
  return NEEDS_JAPANESE.test(text)
    ? "Zen Kaku Gothic New, DejaVu Sans, sans-serif"
    : "DejaVu Sans, Zen Kaku Gothic New, sans-serif";
}

const resolved = new Map<string, string>();
/** Font files' paths, resolved when first drawn with. */
function fontFiles(svg: string): string[] {
  const names = NEEDS_JAPANESE.test(svg) ? [...LATIN, ...JAPANESE] : LATIN;
  return names.map((name) => {
    let file = resolved.get(name);
    if (!file) {
      file = require.resolve(name);
      resolved.set(name, file);
    }
    return file;
  });
}

let resvg: typeof import("@resvg/resvg-js") | undefined;

/**
 * Renders SVG to PNG with resvg (prebuilt binaries from npm; no native build step), loaded with
 * the first chart so a process that draws none does not hold it.
 */
export function svgToPng(svg: string): Uint8Array {
  resvg ??= require("@resvg/resvg-js") as typeof import("@resvg/resvg-js");
  const png = new resvg.Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: fontFiles(svg), defaultFontFamily: "DejaVu Sans" },
    background: "#ffffff",
  })
    .render()
    .asPng();
  return new Uint8Array(png);
}
