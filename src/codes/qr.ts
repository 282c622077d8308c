import QRCode from 'qrcode';
import type { QrSettings } from '../shared/workorder';
import { encodeBitmapPng, encodeQrPng } from './png';
import { drawSecureCode, type SecureGraphicSettings } from './secure-graphic';

export const DEFAULT_QR: QrSettings = { errorCorrection: 'M', pixelsPerModule: 4, quietZoneModules: 4 };

/** The QR code of `text` as a 1-bit PNG; deterministic, so a retried batch writes the same bytes. */
export function renderQrPng(text: string, qr: QrSettings): Buffer {
  return encodeQrPng(createQrSymbol(text, qr.errorCorrection), qr);
}

/** An SSC code's printed image: the QR of `text` with its secure graphic from the code's seed. */
export function renderSecureQrPng(
  text: string,
  qr: QrSettings,
  graphic: SecureGraphicSettings,
  seed: Uint8Array,
): Buffer {
  return encodeBitmapPng(drawSecureCode(createQrSymbol(text, qr.errorCorrection), qr, graphic, seed));
}

/**
 * QR symbols with qrcode's mask choice, made fast. qrcode tries the 8 masks through BitMatrix
 * get/set calls and a switch per module, about 90 % of its time; this encodes once with mask 0, then
 * scores each mask on flat arrays with the same penalty rules (N1–N4 exactly as qrcode computes
 * them), so it picks the same mask and yields the same modules as `QRCode.create(text)`.
 */
export interface QrSymbol {
  size: number;
  /** Row-major, 1 = dark. */
  data: Uint8Array;
  maskPattern: number;
}

const MASKS = 8;

/** Per symbol size: which modules each mask flips relative to mask 0, and where format bits go. */
interface SizeLayout {
  flipsFromMask0: Uint8Array[];
  formatPositions: Int32Array;
}

const layouts = new Map<string, SizeLayout>();

export function createQrSymbol(text: string, errorCorrection: QrSettings['errorCorrection']): QrSymbol {
  const symbol = QRCode.create(text, { errorCorrectionLevel: errorCorrection, maskPattern: 0 });
  const {
    size,
    data: masked0,
    reservedBit,
  } = symbol.modules as unknown as {
    size: number;
    data: Uint8Array;
    reservedBit: Uint8Array;
  };
  // The reserved modules depend on the version only; the version and level fix the size.
  const layoutKey = `${size}:${symbol.version}`;
  let layout = layouts.get(layoutKey);
  if (!layout) {
    layout = sizeLayout(size, reservedBit);
    layouts.set(layoutKey, layout);
  }

  const candidate = new Uint8Array(masked0.length);
  let best: Uint8Array | undefined;
  let bestMask = 0;
  let lowestPenalty = Infinity;
  for (let mask = 0; mask < MASKS; mask++) {
    const flips = layout.flipsFromMask0[mask];
    for (let i = 0; i < candidate.length; i++) candidate[i] = masked0[i] ^ flips[i];
    writeFormatBits(candidate, layout.formatPositions, formatBits(errorCorrection, mask));
    const score = penalty(candidate, size);
    // Strictly lower wins, so ties keep the first mask, as qrcode's getBestMask does.
    if (score < lowestPenalty) {
      lowestPenalty = score;
      bestMask = mask;
      best = best ?? new Uint8Array(candidate.length);
      best.set(candidate);
    }
  }
  return { size, data: best as Uint8Array, maskPattern: bestMask };
}

function sizeLayout(size: number, reserved: Uint8Array): SizeLayout {
  const flipsFromMask0: Uint8Array[] = [];
  for (let mask = 0; mask < MASKS; mask++) {
    const flips = new Uint8Array(size * size);
    for (let row = 0; row < size; row++) {
      for (let col = 0; col < size; col++) {
        const i = row * size + col;
        if (!reserved[i]) flips[i] = (maskAt(mask, row, col) ? 1 : 0) ^ (maskAt(0, row, col) ? 1 : 0);
      }
    }
    flipsFromMask0.push(flips);
  }
  // Bit i of the format information goes to two places (ISO/IEC 18004 §7.9.1), as qrcode sets them.
  const formatPositions = new Int32Array(30);
  for (let i = 0; i < 15; i++) {
    const verticalRow = i < 6 ? i : i < 8 ? i + 1 : size - 15 + i;
    const horizontalCol = i < 8 ? size - i - 1 : i < 9 ? 15 - i : 14 - i;
    formatPositions[2 * i] = verticalRow * size + 8;
    formatPositions[2 * i + 1] = 8 * size + horizontalCol;
  }
  return { flipsFromMask0, formatPositions };
}

function maskAt(mask: number, i: number, j: number): boolean {
  switch (mask) {
    case 0:
      return (i + j) % 2 === 0;
    case 1:
      return i % 2 === 0;
    case 2:
      return j % 3 === 0;
    case 3:
      return (i + j) % 3 === 0;
    case 4:
      return (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0;
    case 5:
      return ((i * j) % 2) + ((i * j) % 3) === 0;
    case 6:
      return (((i * j) % 2) + ((i * j) % 3)) % 2 === 0;
    default:
      return (((i * j) % 3) + ((i + j) % 2)) % 2 === 0;
  }
}

const LEVEL_BITS = { L: 1, M: 0, Q: 3, H: 2 } as const;
const G15 = 0b10100110111;
const G15_MASK = 0b101010000010010;

/** The 15 format bits: level and mask, BCH(15,5) protected, XOR-masked (ISO/IEC 18004 Annex C). */
export function formatBits(errorCorrection: QrSettings['errorCorrection'], mask: number): number {
  const data = (LEVEL_BITS[errorCorrection] << 3) | mask;
  let remainder = data << 10;
  for (let bit = 14; bit >= 10; bit--) if ((remainder >> bit) & 1) remainder ^= G15 << (bit - 10);
  return ((data << 10) | remainder) ^ G15_MASK;
}

function writeFormatBits(modules: Uint8Array, positions: Int32Array, bits: number): void {
  for (let i = 0; i < 15; i++) {
    const bit = (bits >> i) & 1;
    modules[positions[2 * i]] = bit;
    modules[positions[2 * i + 1]] = bit;
  }
}

/** qrcode's penalty (N1 + N2 + N3 + N4) in one pass over rows and columns of a flat matrix. */
export function penalty(m: Uint8Array, size: number): number {
  let points = 0;
  for (let a = 0; a < size; a++) {
    let lastRow = -1;
    let runRow = 0;
    let bitsRow = 0;
    let lastCol = -1;
    let runCol = 0;
    let bitsCol = 0;
    for (let b = 0; b < size; b++) {
      // Along row a, and down column a.
      const inRow = m[a * size + b];
      if (inRow === lastRow) runRow++;
      else {
        if (runRow >= 5) points += runRow - 2;
        lastRow = inRow;
        runRow = 1;
      }
      bitsRow = ((bitsRow << 1) & 0x7ff) | inRow;
      if (b >= 10 && (bitsRow === 0x5d0 || bitsRow === 0x05d)) points += 40;

      const inCol = m[b * size + a];
      if (inCol === lastCol) runCol++;
      else {
        if (runCol >= 5) points += runCol - 2;
        lastCol = inCol;
        runCol = 1;
      }
      bitsCol = ((bitsCol << 1) & 0x7ff) | inCol;
      if (b >= 10 && (bitsCol === 0x5d0 || bitsCol === 0x05d)) points += 40;
    }
    if (runRow >= 5) points += runRow - 2;
    if (runCol >= 5) points += runCol - 2;
  }

  let blocks = 0;
  let dark = 0;
  for (let row = 0; row < size; row++) {
    const top = row * size;
    for (let col = 0; col < size; col++) dark += m[top + col];
    if (row === size - 1) continue;
    const bottom = top + size;
    for (let col = 0; col < size - 1; col++) {
      const sum = m[top + col] + m[top + col + 1] + m[bottom + col] + m[bottom + col + 1];
      if (sum === 0 || sum === 4) blocks++;
    }
  }
  points += blocks * 3;
  const k = Math.abs(Math.ceil((dark * 100) / m.length / 5) - 10);
  return points + k * 10;
}
