import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import type { QrSettings } from '../shared/workorder';
import { renderQrPng, renderSecureQrPng } from './qr';
import { SEED_BYTES, type SecureGraphicSettings } from './secure-graphic';
import { svgDocument, vectorCode } from './vector';

/** SSC codes: the graphic's settings and one seed per text (SEED_BYTES each); never a key. */
export interface SecureGraphicTask {
  settings: SecureGraphicSettings;
  seeds: Uint8Array;
}

export interface RenderTask {
  texts: string[];
  qr: QrSettings;
  secureGraphic?: SecureGraphicTask;
  /** PNG (the default, the service's images) or the same drawing as an SVG document. */
  output?: 'png' | 'svg';
  /**
   * Write each image to `dir/names[i]` on this thread and send back only the lengths (the offline
   * generator: no transfer, and file creation runs on every render thread instead of the main one).
   */
  writeTo?: { dir: string; names: string[] };
}

/** A task's PNGs back to back, and the length of each, in task order. */
export interface RenderedPngs {
  pngs: Uint8Array;
  lengths: number[];
}

/**
 * Piscina task: renders each text's QR PNG. The bytes travel in one buffer whose memory is moved,
 * not copied, to the main thread.
 */
export default function renderPngs(task: RenderTask): RenderedPngs {
  const graphic = task.secureGraphic;
  const seed = (i: number) => graphic?.seeds.subarray(i * SEED_BYTES, (i + 1) * SEED_BYTES) as Uint8Array;
  const rendered = task.texts.map((text, i) =>
    task.output === 'svg'
      ? Buffer.from(
          svgDocument(vectorCode(text, task.qr, graphic && { settings: graphic.settings, seed: seed(i) })),
        )
      : graphic
        ? renderSecureQrPng(text, task.qr, graphic.settings, seed(i))
        : renderQrPng(text, task.qr),
  );
  const lengths = rendered.map((png) => png.length);
  if (task.writeTo) {
    const { dir, names } = task.writeTo;
    // Synchronous on purpose: this thread has nothing else to do, and the sync call skips the
    // event loop's round trip per file (docs/performance.md, the offline generator).
    rendered.forEach((bytes, i) => writeFileSync(path.join(dir, names[i]), bytes));
    return { pngs: new Uint8Array(0), lengths };
  }
  // A fresh, unpooled ArrayBuffer: moving a view of Buffer's shared pool would detach the pool.
  const pngs = new Uint8Array(lengths.reduce((total, length) => total + length, 0));
  let offset = 0;
  for (const png of rendered) {
    pngs.set(png, offset);
    offset += png.length;
  }
  const result: RenderedPngs = { pngs, lengths };
  const movable = { [transferableSymbol]: pngs.buffer, [valueSymbol]: result };
  // Piscina posts the value and transfers the buffer; the caller receives a plain RenderedPngs.
  return move(movable) as unknown as RenderedPngs;
}
