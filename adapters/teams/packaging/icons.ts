import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";

/**
 * Draws the two Teams app icons and encodes them as PNG: a 192×192 colour icon (three stacked
 * bars on the accent colour) and a 32×32 outline icon (the same bars in white on transparency,
 * as Teams requires). Run with `npx tsx adapters/teams/packaging/icons.ts` after a change; the
 * PNGs live in adapters/teams/appPackage/.
 */

export const ACCENT = "#4F46E5";
type Rgba = [number, number, number, number];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/** An RGBA image as a PNG file (8 bits per channel, no filtering). */
export function encodePng(width: number, height: number, pixel: (x: number, y: number) => Rgba) {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 4 + 1);
    raw[row] = 0;
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), row + 1 + x * 4);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", new Uint8Array()),
  ]);
}

/** Three bars, widest at the bottom, in a unit square: is (u, v) on one of them? */
function onStack(u: number, v: number): boolean {
  const bars = [
    { top: 0.2, left: 0.34, right: 0.66 },
    { top: 0.43, left: 0.26, right: 0.74 },
    { top: 0.66, left: 0.18, right: 0.82 },
  ];
  return bars.some((b) => v >= b.top && v < b.top + 0.16 && u >= b.left && u < b.right);
}

const hex = (color: string): Rgba => [
  Number.parseInt(color.slice(1, 3), 16),
  Number.parseInt(color.slice(3, 5), 16),
  Number.parseInt(color.slice(5, 7), 16),
  255,
];

export function colorIcon(): Buffer {
  const size = 192;
  return encodePng(size, size, (x, y) =>
    onStack((x + 0.5) / size, (y + 0.5) / size) ? [255, 255, 255, 255] : hex(ACCENT),
  );
}

export function outlineIcon(): Buffer {
  const size = 32;
  return encodePng(size, size, (x, y) =>
    onStack((x + 0.5) / size, (y + 0.5) / size) ? [255, 255, 255, 255] : [0, 0, 0, 0],
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../appPackage");
  writeFileSync(path.join(dir, "color.png"), colorIcon());
  writeFileSync(path.join(dir, "outline.png"), outlineIcon());
}
