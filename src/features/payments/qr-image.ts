import { createRequire } from 'node:module';

/** pdfmake's QR encoder (the one that draws the QR on the receipt); the package ships no types. */
interface QrEncoder {
  measure(node: { qr: string; eccLevel?: string; fit?: number }): {
    _canvas: { type: string; x: number; y: number; w: number; h: number; color: string }[];
    _width: number;
  };
}

const require = createRequire(import.meta.url);

/**
 * The payment QR as a PNG for the chat: the same encoder as the receipt (pdfmake's, UTF-8, error
 * correction M), drawn as SVG and rasterised by resvg. Black on white with a quiet zone, about
 * 600 px wide so a phone camera reads it off another screen.
 */
export async function renderQrPng(payload: string): Promise<Buffer> {
  const encoder = (require('pdfmake/js/qrEnc.js') as { default: QrEncoder }).default;
  const measured = encoder.measure({ qr: payload, eccLevel: 'M', fit: 600 });
  const size = measured._width;
  const rects = measured._canvas
    .filter((r) => r.type === 'rect' && r.color !== '#fff')
    .map((r) => `<rect x="${r.x}" y="${r.y}" width="${r.w}" height="${r.h}"/>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#fff"/><g fill="#000">${rects}</g></svg>`;
  const { Resvg } = await import('@resvg/resvg-js');
  return new Resvg(svg, { background: '#ffffff' }).render().asPng();
}
