import { createRequire } from 'node:module';

/** pdfmake's QR encoder (the one that draws the QR on the receipt); the package ships no types. */
interface QrEncoder {
  measure(node: { qr: string; eccLevel?: string; fit?: number; padding?: number; mask?: number }): {
    _canvas: { type: string; x: number; y: number; w: number; h: number; color: string }[];
    _width: number;
  };
}

const require = createRequire(import.meta.url);

/**
 * The light margin around a QR code, in modules: ISO/IEC 18004 §6.3.8 asks for at least 4 and
 * ГОСТ Р 56042-2014 follows it. Without it a banking app's scanner often misses the code.
 */
export const QR_QUIET_ZONE_MODULES = 4;

const encoder = () => (require('pdfmake/js/qrEnc.js') as { default: QrEncoder }).default;

/**
 * Modules on a side of the payload's QR code (error correction M, as drawn). The size depends on
 * the version only, not on the mask, so the encoder is given one (`mask: 0`) instead of trying
 * all eight and scoring each: 0.2 ms instead of 2.8 ms on the bot's thread for every receipt
 * (issue 12). The drawn code still gets its best mask.
 */
export function qrModuleCount(payload: string): number {
  // Without `fit` the encoder draws 5 units a module.
  return encoder().measure({ qr: payload, eccLevel: 'M', mask: 0 })._width / 5;
}

/**
 * pdfmake's QR node for the payload that, with its quiet zone, is at most `width` points wide:
 * whole-unit modules (the encoder floors them) and {@link QR_QUIET_ZONE_MODULES} of white on every
 * side, drawn by the encoder itself (`padding`), so nothing placed next to it can intrude.
 */
export function quietQrNode(payload: string, width: number) {
  const modules = qrModuleCount(payload);
  const moduleSize = Math.max(1, Math.floor(width / (modules + 2 * QR_QUIET_ZONE_MODULES)));
  return {
    qr: payload,
    eccLevel: 'M' as const,
    fit: moduleSize * modules,
    padding: QR_QUIET_ZONE_MODULES,
  };
}

/**
 * The payment QR as a PNG for the chat: the same encoder as the receipt (pdfmake's, UTF-8, error
 * correction M), drawn as SVG and rasterised by resvg. Black on white with the quiet zone of
 * {@link QR_QUIET_ZONE_MODULES} modules, about 600 px wide so a phone camera reads it off another
 * screen.
 */
export async function renderQrPng(payload: string): Promise<Buffer> {
  const measured = encoder().measure(quietQrNode(payload, 600));
  const size = measured._width;
  const rects = measured._canvas
    .filter((r) => r.type === 'rect' && r.color !== '#fff')
    .map((r) => `<rect x="${r.x}" y="${r.y}" width="${r.w}" height="${r.h}"/>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#fff"/><g fill="#000">${rects}</g></svg>`;
  const { Resvg } = await import('@resvg/resvg-js');
  return new Resvg(svg, { background: '#ffffff' }).render().asPng();
}
