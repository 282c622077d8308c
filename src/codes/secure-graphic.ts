import { createCipheriv, createHmac } from 'node:crypto';
import type { CodeSettings, PrinterConfirmation, QrSettings } from '../shared/workorder';
import type { ModuleMatrix } from './png';

/**
 * The secure graphic of SSC codes (docs/product.md, Codes): a keyed pseudo-random pattern per code, printed at
 * the press's own resolution, inside the QR (centre) or beside it (right), as `code_layout` says.
 *
 * Keys: the code key never leaves the activity's main thread. It yields a secure-graphic key
 * (HMAC with a label), which yields one 32-byte seed per code (HMAC of the extended ID). Render
 * threads get only those seeds and expand each into its pattern with AES-CTR.
 */

const KEY_LABEL = 'secure-graphic-v1';
export const SEED_BYTES = 32;

/** Share of the symbol a centred graphic may cover; error correction H absorbs it with room to spare. */
export const MAX_INSIDE_COVERAGE = 0.09;

/** Calibration defaults, used when a calibration leaves a parameter out. */
export const DEFAULT_PARAMETERS = { module_size_mm: 0.5, cell_dots: 2, dot_gain: 10 } as const;
const PIXELS_PER_MODULE_RANGE = [3, 32] as const;

export type SecureGraphicPlacement = 'inside' | 'outside';

export interface SecureGraphicSettings {
  placement: SecureGraphicPlacement;
  /** Image pixels (= printer dots) per pattern cell. */
  cellPixels: number;
  /** A cell is dark when its pattern byte is below this (0–256): dot gain lowers the ink share. */
  darkThreshold: number;
}

/** A 1-bit image, row-major, 1 = dark. */
export interface Bitmap {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Pixel rectangle holding a code's pattern cells (tests look there). */
export interface PatternArea {
  x: number;
  y: number;
  cells: number;
  cellPixels: number;
}

export function deriveSecureGraphicKey(codeKey: Buffer): Buffer {
  return createHmac('sha256', codeKey).update(KEY_LABEL).digest();
}

/**
 * Version 2: one key per workorder, an HMAC of its id under the global secure-graphic key. The zip's
 * manifest carries it, so the offline generator draws that workorder's graphics and no other's
 * (the HMAC cannot be run backwards to the global key or sideways to another id).
 */
export function workorderSecureGraphicKey(secureGraphicKey: Buffer, workorderId: number): Buffer {
  return createHmac('sha256', secureGraphicKey).update(`secure-graphic-v2/workorder/${workorderId}`).digest();
}

/** The key a workorder's seeds come from: the global one (version 1) or the workorder's own (2). */
export function seedKeyFor(code: CodeSettings, workorderId: number, secureGraphicKey: Buffer): Buffer {
  return code.secureGraphicVersion === 2
    ? workorderSecureGraphicKey(secureGraphicKey, workorderId)
    : secureGraphicKey;
}

/** One seed per extended ID, back to back: what a render task carries instead of any key. */
export function secureGraphicSeeds(secureGraphicKey: Buffer, extendedIds: readonly string[]): Uint8Array {
  const seeds = new Uint8Array(extendedIds.length * SEED_BYTES);
  extendedIds.forEach((extendedId, i) => {
    seeds.set(createHmac('sha256', secureGraphicKey).update(extendedId).digest(), i * SEED_BYTES);
  });
  return seeds;
}

/** `count` pattern bytes from a code's seed: AES-128-CTR keyed by the seed's halves. */
export function patternBytes(seed: Uint8Array, count: number): Buffer {
  if (seed.length !== SEED_BYTES) throw new RangeError(`a seed has ${SEED_BYTES} bytes, got ${seed.length}`);
  const cipher = createCipheriv('aes-128-ctr', seed.subarray(0, 16), seed.subarray(16, 32));
  return Buffer.concat([cipher.update(Buffer.alloc(count)), cipher.final()]);
}

function numberParameter(printer: PrinterConfirmation, name: keyof typeof DEFAULT_PARAMETERS): number {
  const value = Number(printer.calibration.parameters[name]);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_PARAMETERS[name];
}

/**
 * The QR settings of the printed image: one pixel per printer dot, so a module is the
 * calibration's module size at the equipment's dpi. SID and unconfirmed codes keep theirs.
 */
export function printedQrSettings(code: CodeSettings, printer: PrinterConfirmation | null): QrSettings {
  if (!printer || code.codeLayout === 'qr') return code.qr;
  const moduleMm = numberParameter(printer, 'module_size_mm');
  const pixels = Math.round((moduleMm * printer.equipment.dpi) / 25.4);
  const [min, max] = PIXELS_PER_MODULE_RANGE;
  return { ...code.qr, pixelsPerModule: Math.min(max, Math.max(min, pixels)) };
}

export function secureGraphicSettings(
  code: CodeSettings,
  printer: PrinterConfirmation | null,
): SecureGraphicSettings | null {
  if (!printer || code.codeLayout === 'qr') return null;
  const cellPixels = Math.min(16, Math.max(1, Math.round(numberParameter(printer, 'cell_dots'))));
  const dotGain = Math.min(
    60,
    Math.max(0, Number(printer.calibration.parameters.dot_gain ?? DEFAULT_PARAMETERS.dot_gain) || 0),
  );
  return {
    placement: code.codeLayout === 'sg-inside' ? 'inside' : 'outside',
    cellPixels,
    darkThreshold: Math.round(128 * (1 - dotGain / 100)),
  };
}

/** Side, in modules, of the centred square a graphic inside a symbol of `size` modules may take. */
export function insideSquareModules(size: number): number {
  return Math.floor(size * Math.sqrt(MAX_INSIDE_COVERAGE));
}

/** Where the pattern goes in the image of a symbol of `size` modules. */
export function patternArea(size: number, qr: QrSettings, g: SecureGraphicSettings): PatternArea {
  const ppm = qr.pixelsPerModule;
  const margin = qr.quietZoneModules * ppm;
  if (g.placement === 'inside') {
    const square = insideSquareModules(size);
    const first = Math.floor((size - square) / 2);
    // One module of white inside the cleared square keeps the pattern apart from the modules.
    const side = Math.max(0, (square - 2) * ppm);
    const cells = Math.floor(side / g.cellPixels);
    const offset = margin + (first + 1) * ppm + Math.floor((side - cells * g.cellPixels) / 2);
    return { x: offset, y: offset, cells, cellPixels: g.cellPixels };
  }
  // Beside the symbol, after its quiet zone, as tall as the symbol itself.
  const side = size * ppm;
  const cells = Math.floor(side / g.cellPixels);
  const x = 2 * margin + size * ppm + Math.floor((side - cells * g.cellPixels) / 2);
  return { x, y: margin + Math.floor((side - cells * g.cellPixels) / 2), cells, cellPixels: g.cellPixels };
}

/** The printed image: the QR symbol and, where the settings say, the code's pattern. */
export function drawSecureCode(
  modules: ModuleMatrix,
  qr: QrSettings,
  g: SecureGraphicSettings,
  seed: Uint8Array,
): Bitmap {
  const { size } = modules;
  const ppm = qr.pixelsPerModule;
  const margin = qr.quietZoneModules * ppm;
  const qrSide = size * ppm + 2 * margin;
  const width = g.placement === 'inside' ? qrSide : qrSide + size * ppm + margin;
  const bitmap: Bitmap = { width, height: qrSide, data: new Uint8Array(width * qrSide) };

  const square = g.placement === 'inside' ? insideSquareModules(size) : 0;
  const cleared = Math.floor((size - square) / 2);
  const isCleared = (row: number, column: number) =>
    row >= cleared && row < cleared + square && column >= cleared && column < cleared + square;
  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size; column++) {
      if (!modules.data[row * size + column] || isCleared(row, column)) continue;
      fill(bitmap, margin + column * ppm, margin + row * ppm, ppm);
    }
  }

  const area = patternArea(size, qr, g);
  const bytes = patternBytes(seed, area.cells * area.cells);
  for (let cy = 0; cy < area.cells; cy++) {
    for (let cx = 0; cx < area.cells; cx++) {
      if (bytes[cy * area.cells + cx] < g.darkThreshold) {
        fill(bitmap, area.x + cx * area.cellPixels, area.y + cy * area.cellPixels, area.cellPixels);
      }
    }
  }
  return bitmap;
}

function fill(bitmap: Bitmap, x: number, y: number, side: number): void {
  for (let row = y; row < y + side; row++)
    bitmap.data.fill(1, row * bitmap.width + x, row * bitmap.width + x + side);
}
