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
  /** flipsFromMask0 as packed rows (packRows), and where the format bits go in them; made on first use. */
  packed?: PackedLayout;
}

interface PackedLayout {
  flips: Int32Array[];
  /** Per format position (as formatPositions): the word of the packed rows, and its bit. */
  formatWords: Int32Array;
  formatBitMasks: Int32Array;
  /** Work arrays of widePenalty; absent for rows of one word. */
  scratch?: PenaltyScratch;
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

  const bestMask = bestMaskPacked(masked0, size, layout, errorCorrection);
  const data = new Uint8Array(masked0.length);
  const flips = layout.flipsFromMask0[bestMask];
  for (let i = 0; i < data.length; i++) data[i] = masked0[i] ^ flips[i];
  writeFormatBits(data, layout.formatPositions, formatBits(errorCorrection, bestMask));
  return { size, data, maskPattern: bestMask };
}

/**
 * The eight masks scored on packed rows: each row in 32-bit words of 30 modules, the horizontal
 * rules by shifts within a row, the vertical ones between neighbouring rows, 30 columns at once.
 * About four times faster than a byte per module (docs/performance.md).
 */
function bestMaskPacked(
  masked0: Uint8Array,
  size: number,
  layout: SizeLayout,
  errorCorrection: QrSettings['errorCorrection'],
): number {
  const packed = (layout.packed ??= packedLayout(size, layout));
  const base = packRows(masked0, size);
  const rows = new Int32Array(base.length);
  let bestMask = 0;
  let lowestPenalty = Infinity;
  for (let mask = 0; mask < MASKS; mask++) {
    const flips = packed.flips[mask];
    for (let i = 0; i < rows.length; i++) rows[i] = base[i] ^ flips[i];
    const bits = formatBits(errorCorrection, mask);
    for (let i = 0; i < 30; i++) {
      const bit = packed.formatBitMasks[i];
      if ((bits >> (i >> 1)) & 1) rows[packed.formatWords[i]] |= bit;
      else rows[packed.formatWords[i]] &= ~bit;
    }
    const score = packedPenalty(rows, size, packed.scratch);
    // Strictly lower wins, so ties keep the first mask, as qrcode's getBestMask does.
    if (score < lowestPenalty) {
      lowestPenalty = score;
      bestMask = mask;
    }
  }
  return bestMask;
}

function packedLayout(size: number, layout: SizeLayout): PackedLayout {
  const words = wordsPerRow(size);
  const formatWords = new Int32Array(30);
  const formatBitMasks = new Int32Array(30);
  layout.formatPositions.forEach((position, i) => {
    const row = (position / size) | 0;
    const column = position - row * size;
    formatWords[i] = row * words + ((column / WORD_BITS) | 0);
    formatBitMasks[i] = 1 << (column % WORD_BITS);
  });
  return {
    flips: layout.flipsFromMask0.map((flips) => packRows(flips, size)),
    formatWords,
    formatBitMasks,
    // Reused by every symbol of this size: rendering is synchronous, one symbol at a time per thread.
    scratch: words > 1 ? new PenaltyScratch(size) : undefined,
  };
}

/** Modules per word: 30, so that shifts and masks never touch the sign bit. */
const WORD_BITS = 30;
const WORD_MASK = (1 << WORD_BITS) - 1;

function wordsPerRow(size: number): number {
  return Math.ceil(size / WORD_BITS);
}

/** Row r as words r·W … r·W + W − 1: bit b of word w is the module at column 30·w + b. */
export function packRows(modules: Uint8Array, size: number): Int32Array {
  const words = wordsPerRow(size);
  const rows = new Int32Array(size * words);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      if (modules[r * size + c]) rows[r * words + ((c / WORD_BITS) | 0)] |= 1 << (c % WORD_BITS);
    }
  }
  return rows;
}

/** Work arrays for widePenalty, made once per symbol size. */
class PenaltyScratch {
  readonly words: number;
  /** Per word: the columns that exist; those with a right neighbour; those that start 11 modules. */
  readonly columns: Int32Array;
  readonly pairs: Int32Array;
  readonly windows11: Int32Array;
  /** Per row: columns where the row agrees with its right neighbour; with the next row. */
  readonly same: Int32Array;
  readonly down: Int32Array;
  readonly fives: Int32Array;
  readonly hit: Int32Array;

  constructor(readonly size: number) {
    const words = wordsPerRow(size);
    this.words = words;
    const upTo = (count: number) =>
      Int32Array.from({ length: words }, (_, w) => {
        const bits = Math.max(0, Math.min(WORD_BITS, count - w * WORD_BITS));
        return bits === WORD_BITS ? WORD_MASK : (1 << bits) - 1;
      });
    this.columns = upTo(size);
    this.pairs = upTo(size - 1);
    this.windows11 = upTo(size - 10);
    this.same = new Int32Array(size * words);
    this.down = new Int32Array(size * words);
    this.fives = new Int32Array(words);
    this.hit = new Int32Array(words);
  }
}

/** Word w of the multi-word value at x[at …] shifted right (towards column 0) by k, 0 ≤ k < 30. */
function shiftedRight(x: Int32Array, at: number, w: number, words: number, k: number): number {
  const low = x[at + w] >>> k;
  return k > 0 && w + 1 < words ? (low | (x[at + w + 1] << (WORD_BITS - k))) & WORD_MASK : low;
}

/** The finder-like patterns of N3, earliest module first: 1:1:3:1:1 with four light modules on either side. */
const N3_PATTERNS = [0x5d0, 0x05d];

/**
 * penalty() on packed rows, the same number. A run of n ≥ 5 same modules scores n − 2, that is its
 * n − 4 windows of five plus 2 for its first window.
 */
export function packedPenalty(rows: Int32Array, size: number, scratch?: PenaltyScratch): number {
  return size <= WORD_BITS
    ? narrowPenalty(rows, size)
    : widePenalty(rows, size, scratch ?? new PenaltyScratch(size));
}

/**
 * Rows of several words. Slower than narrowPenalty on one word (82 µs against 63 µs a symbol, the
 * service's URLs at level M), faster than a byte per module from 33 modules (163 µs against 254 µs).
 */
function widePenalty(rows: Int32Array, size: number, scratch: PenaltyScratch): number {
  const { words, columns, pairs, windows11, same, down, fives, hit } = scratch;
  let points = 0;
  let dark = 0;
  let finders = 0;
  // Along each row: bit c of same is set when columns c and c + 1 agree; bit c of down when rows
  // r and r + 1 agree at column c.
  for (let r = 0; r < size; r++) {
    const at = r * words;
    for (let w = 0; w < words; w++) {
      same[at + w] = ~(rows[at + w] ^ shiftedRight(rows, at, w, words, 1)) & pairs[w];
      if (r + 1 < size) down[at + w] = ~(rows[at + w] ^ rows[at + words + w]) & columns[w];
      dark += popcount(rows[at + w]);
    }
    for (let w = 0; w < words; w++) {
      fives[w] =
        same[at + w] &
        shiftedRight(same, at, w, words, 1) &
        shiftedRight(same, at, w, words, 2) &
        shiftedRight(same, at, w, words, 3);
    }
    for (let w = 0; w < words; w++) {
      // A window of five starts its run when the module before it differs (or it is at column 0).
      const before = ((same[at + w] << 1) & WORD_MASK) | (w > 0 ? same[at + w - 1] >>> (WORD_BITS - 1) : 0);
      points += popcount(fives[w]) + 2 * popcount(fives[w] & ~before);
    }
    for (const pattern of N3_PATTERNS) {
      for (let w = 0; w < words; w++) hit[w] = windows11[w];
      for (let j = 0; j <= 10; j++) {
        const light = !((pattern >> (10 - j)) & 1);
        for (let w = 0; w < words; w++) {
          const shifted = shiftedRight(rows, at, w, words, j);
          hit[w] &= light ? ~shifted : shifted;
        }
      }
      for (let w = 0; w < words; w++) finders += popcount(hit[w]);
    }
  }
  let blocks = 0;
  for (let r = 0; r + 1 < size; r++) {
    const at = r * words;
    for (let w = 0; w < words; w++) {
      blocks += popcount(down[at + w] & same[at + w] & same[at + words + w]);
      if (r + 4 < size) {
        const verticalFives =
          down[at + w] & down[at + words + w] & down[at + 2 * words + w] & down[at + 3 * words + w];
        const previous = r === 0 ? 0 : down[at - words + w];
        points += popcount(verticalFives) + 2 * popcount(verticalFives & ~previous);
      }
      if (r + 10 < size) {
        for (const pattern of N3_PATTERNS) {
          let columnHit = columns[w];
          for (let j = 0; j <= 10; j++) {
            const word = rows[at + j * words + w];
            columnHit &= (pattern >> (10 - j)) & 1 ? word : ~word;
          }
          finders += popcount(columnHit);
        }
      }
    }
  }
  points += blocks * 3 + finders * 40;
  return points + darkPenalty(dark, size * size);
}

/** packedPenalty for rows of one word (up to 30 modules: versions 1 to 3). */
function narrowPenalty(rows: Int32Array, size: number): number {
  const full = (1 << size) - 1;
  const pairs = full >>> 1;
  const windows11 = size >= 11 ? (1 << (size - 10)) - 1 : 0;
  let points = 0;
  let blocks = 0;
  let dark = 0;
  let finders = 0;
  let previousDown = 0;
  for (let r = 0; r < size; r++) {
    const row = rows[r];
    dark += popcount(row);
    // Along the row: bit c of same is set when columns c and c + 1 agree.
    const same = ~(row ^ (row >>> 1)) & pairs;
    const fives = same & (same >>> 1) & (same >>> 2) & (same >>> 3);
    points += popcount(fives) + 2 * popcount(fives & ~(same << 1));
    if (windows11) finders += rowFinders(row, windows11);
    if (r === size - 1) break;
    // Down the columns: bit c of down is set when rows r and r + 1 agree at column c.
    const down = ~(row ^ rows[r + 1]) & full;
    blocks += popcount(down & same & ~(rows[r + 1] ^ (rows[r + 1] >>> 1)) & pairs);
    if (r + 4 < size) {
      const down4 =
        down & (~(rows[r + 1] ^ rows[r + 2]) & ~(rows[r + 2] ^ rows[r + 3]) & ~(rows[r + 3] ^ rows[r + 4]));
      const verticalFives = down4 & full;
      points += popcount(verticalFives) + 2 * popcount(verticalFives & ~(r === 0 ? 0 : previousDown));
    }
    if (r + 10 < size) finders += columnFinders(rows, r, full);
    previousDown = down;
  }
  points += blocks * 3 + finders * 40;
  return points + darkPenalty(dark, size * size);
}

/** N3 along a row: the window starts in `valid` (bit s: columns s to s + 10) that show a pattern. */
function rowFinders(row: number, valid: number): number {
  let count = 0;
  for (const pattern of N3_PATTERNS) {
    let hit = valid;
    for (let j = 0; j <= 10; j++) hit &= (pattern >> (10 - j)) & 1 ? row >>> j : ~(row >>> j);
    count += popcount(hit);
  }
  return count;
}

/** N3 down the columns: the columns (in `valid`) whose rows r to r + 10 show a pattern. */
function columnFinders(rows: Int32Array, r: number, valid: number): number {
  let count = 0;
  for (const pattern of N3_PATTERNS) {
    let hit = valid;
    for (let j = 0; j <= 10; j++) hit &= (pattern >> (10 - j)) & 1 ? rows[r + j] : ~rows[r + j];
    count += popcount(hit);
  }
  return count;
}

function popcount(word: number): number {
  let x = word - ((word >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
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
  return points + darkPenalty(dark, m.length);
}

/** N4: 10 points per 5 % that the dark modules' share is away from half, as qrcode rounds it. */
function darkPenalty(dark: number, modules: number): number {
  return Math.abs(Math.ceil((dark * 100) / modules / 5) - 10) * 10;
}
