import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';

/** An RGB raster: `width × height` pixels, 3 bytes each, row by row. */
export interface Raster {
  width: number;
  height: number;
  rgb: Buffer;
}

/** Reads a binary PPM (P6, maxval 255), what pdftoppm writes. */
export function parsePpm(ppm: Buffer): Raster {
  // The header: "P6", width, height, maxval, separated by whitespace, then one whitespace byte.
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(ppm.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error('not a binary PPM');
  const width = Number(header[1]);
  const height = Number(header[2]);
  return {
    width,
    height,
    rgb: ppm.subarray(header[0].length, header[0].length + width * height * 3),
  };
}

/**
 * A PNG's pixels, decoded by pngjs (no external program), with transparent parts put on white
 * as a chat client shows them.
 */
export function rasterOfPng(png: Buffer): Raster {
  const image = PNG.sync.read(png);
  const rgb = Buffer.alloc(image.width * image.height * 3);
  for (let i = 0, j = 0; i < image.data.length; i += 4, j += 3) {
    const alpha = (image.data[i + 3] ?? 255) / 255;
    for (let c = 0; c < 3; c++) {
      rgb[j + c] = Math.round((image.data[i + c] ?? 0) * alpha + 255 * (1 - alpha));
    }
  }
  return { width: image.width, height: image.height, rgb };
}

/** The first page of a PDF at `dpi` (poppler's pdftoppm, PPM). */
export function rasterOfPdfPage(pdf: Buffer, dpi: number): Raster {
  const dir = mkdtempSync(join(tmpdir(), 'abonent-px-'));
  const file = join(dir, 'doc.pdf');
  writeFileSync(file, pdf);
  execFileSync('pdftoppm', [
    '-r',
    String(dpi),
    '-f',
    '1',
    '-l',
    '1',
    '-singlefile',
    file,
    join(dir, 'page'),
  ]);
  return parsePpm(readFileSync(join(dir, 'page.ppm')));
}

/** Whether the pixel is dark (QR modules are black on white; anti-aliasing stays light). */
export function isDark(r: Raster, x: number, y: number): boolean {
  const i = (y * r.width + x) * 3;
  return (r.rgb[i] ?? 255) + (r.rgb[i + 1] ?? 255) + (r.rgb[i + 2] ?? 255) < 3 * 128;
}

/** The smallest box holding every dark pixel of the region (inclusive), or undefined if none. */
export function darkBox(
  r: Raster,
  region = { x0: 0, y0: 0, x1: r.width - 1, y1: r.height - 1 },
): { x0: number; y0: number; x1: number; y1: number } | undefined {
  let box: { x0: number; y0: number; x1: number; y1: number } | undefined;
  for (let y = region.y0; y <= region.y1; y++) {
    for (let x = region.x0; x <= region.x1; x++) {
      if (!isDark(r, x, y)) continue;
      box = box
        ? {
            x0: Math.min(box.x0, x),
            y0: Math.min(box.y0, y),
            x1: Math.max(box.x1, x),
            y1: Math.max(box.y1, y),
          }
        : { x0: x, y0: y, x1: x, y1: y };
    }
  }
  return box;
}

/** The longest run of dark pixels in row `y` between `x0` and `x1`: where it starts and its length. */
export function longestDarkRun(r: Raster, y: number, x0: number, x1: number) {
  let best = { start: -1, length: 0 };
  let start = -1;
  for (let x = x0; x <= x1 + 1; x++) {
    const dark = x <= x1 && isDark(r, x, y);
    if (dark && start < 0) start = x;
    if (!dark && start >= 0) {
      if (x - start > best.length) best = { start, length: x - start };
      start = -1;
    }
  }
  return best;
}
