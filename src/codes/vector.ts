import type { QrSettings } from '../shared/workorder';
import { createQrSymbol } from './qr';
import { drawSecureCode, type Bitmap, type SecureGraphicSettings } from './secure-graphic';

/**
 * The same images as vectors (the offline generator's SVG and PDF output): one unit per PNG pixel,
 * dark runs of a pixel row as rectangles, a run repeated on the rows below merged into one taller
 * rectangle, so a QR module is one rectangle and the drawing matches the PNG exactly.
 */
export interface VectorCode {
  width: number;
  height: number;
  /** SVG path data, y downwards, in pixels. */
  path: string;
}

/** The QR symbol alone as a bitmap, laid out as encodeQrPng lays it out. */
export function qrBitmap(text: string, qr: QrSettings): Bitmap {
  const symbol = createQrSymbol(text, qr.errorCorrection);
  const ppm = qr.pixelsPerModule;
  const margin = qr.quietZoneModules * ppm;
  const side = symbol.size * ppm + 2 * margin;
  const bitmap: Bitmap = { width: side, height: side, data: new Uint8Array(side * side) };
  for (let row = 0; row < symbol.size; row++) {
    for (let column = 0; column < symbol.size; column++) {
      if (!symbol.data[row * symbol.size + column]) continue;
      for (let y = margin + row * ppm; y < margin + (row + 1) * ppm; y++) {
        const start = y * side + margin + column * ppm;
        bitmap.data.fill(1, start, start + ppm);
      }
    }
  }
  return bitmap;
}

export function vectorCode(
  text: string,
  qr: QrSettings,
  graphic?: { settings: SecureGraphicSettings; seed: Uint8Array },
): VectorCode {
  const bitmap = graphic
    ? drawSecureCode(createQrSymbol(text, qr.errorCorrection), qr, graphic.settings, graphic.seed)
    : qrBitmap(text, qr);
  return { width: bitmap.width, height: bitmap.height, path: bitmapPath(bitmap) };
}

/** Rectangles covering exactly the dark pixels of a bitmap. */
export function bitmapPath(bitmap: Bitmap): string {
  const { width, height, data } = bitmap;
  const parts: string[] = [];
  // Runs [start, end) of the previous row, still open downwards, keyed by start and end.
  let open = new Map<number, { end: number; top: number }>();
  const close = (start: number, run: { end: number; top: number }, bottom: number) =>
    parts.push(`M${start} ${run.top}h${run.end - start}v${bottom - run.top}h${start - run.end}z`);
  for (let y = 0; y <= height; y++) {
    const next = new Map<number, { end: number; top: number }>();
    if (y < height) {
      const line = y * width;
      for (let x = 0; x < width; x++) {
        if (!data[line + x]) continue;
        const start = x;
        while (x < width && data[line + x]) x++;
        const above = open.get(start);
        if (above && above.end === x) {
          next.set(start, above);
          open.delete(start);
        } else next.set(start, { end: x, top: y });
      }
    }
    for (const [start, run] of open) close(start, run, y);
    open = next;
  }
  return parts.join('');
}

/** A standalone SVG document of a vector code, black on white, sized in pixels. */
export function svgDocument(code: VectorCode): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${code.width}" height="${code.height}" ` +
    `viewBox="0 0 ${code.width} ${code.height}" shape-rendering="crispEdges">` +
    `<rect width="${code.width}" height="${code.height}" fill="#fff"/>` +
    `<path d="${code.path}" fill="#000"/></svg>\n`
  );
}
