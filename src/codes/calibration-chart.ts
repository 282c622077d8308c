import { createHash } from 'node:crypto';
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { encodeBitmapPng } from './png';
import { createQrSymbol } from './qr';
import { DEFAULT_PARAMETERS, patternBytes } from './secure-graphic';

/**
 * The calibration chart a printing partner prints on a substrate with a press, measures, and
 * answers with the values the secure graphic is drawn from (docs/partners.md, Calibrating):
 *
 * - a module-size ladder: the same QR symbol at module sizes from 0.25 mm to 1 mm (vector), to find
 *   the smallest that prints with clean edges and scans — `module_size_mm`;
 * - dot-gain patches: 10 % to 90 % tints drawn as press dots at the press's dpi (raster at exactly
 *   one image pixel per printer dot), to read back with a densitometer — `dot_gain`, the printed
 *   tint of the 50 % patch minus 50;
 * - secure-graphic test tiles: pattern cells of 1 to 4 printer dots, as codes draw them, to find the
 *   smallest cell whose cells stay apart — `cell_dots`;
 * - the calibration's id, press, dpi and substrate on the sheet, so a measured sheet finds its record.
 *
 * The tiles' pattern comes from a seed made of the calibration's id, never from a service key.
 */
export interface ChartInput {
  calibrationId: number;
  equipment: { name: string; dpi: number };
  substrate: { name: string };
}

/** Measurements a partner submits, and their bounds (the secure graphic's own limits). */
export const MEASUREMENT_BOUNDS = {
  module_size_mm: { min: 0.1, max: 5 },
  cell_dots: { min: 1, max: 16 },
  dot_gain: { min: 0, max: 60 },
  /** Recorded for quality control; optional. */
  ink_density: { min: 0.1, max: 5 },
} as const;

export const LADDER_MM = [0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.8, 1] as const;
export const PATCH_TINTS = [10, 20, 30, 40, 50, 60, 70, 80, 90] as const;
export const TILE_CELL_DOTS = [1, 2, 3, 4] as const;

const MM = 72 / 25.4;
const A4 = [595.28, 841.89] as const;
const MARGIN = 15 * MM;
const PATCH_MM = 12;
const TILE_MM = 12;

/** A 1-bit bitmap of `mm` square at `dpi`, dark where `dark(x, y)`; as a PNG. */
function rasterPng(mm: number, dpi: number, dark: (x: number, y: number) => boolean): Buffer {
  const side = Math.max(1, Math.round((mm / 25.4) * dpi));
  const data = new Uint8Array(side * side);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) data[y * side + x] = dark(x, y) ? 1 : 0;
  return encodeBitmapPng({ width: side, height: side, data });
}

/** An ordered-dither tint: `percent` of the dots dark, spread evenly (4×4 Bayer matrix). */
const BAYER = [0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5];
function tintDot(percent: number): (x: number, y: number) => boolean {
  return (x, y) => (BAYER[(y % 4) * 4 + (x % 4)] + 0.5) / 16 < percent / 100;
}

/** Cells of `cellDots` dots, dark by the pattern bytes at the default dot gain, as codes draw them. */
function tileDot(seed: Buffer, cellDots: number, side: number): (x: number, y: number) => boolean {
  const cells = Math.ceil(side / cellDots);
  const bytes = patternBytes(seed, cells * cells);
  const threshold = Math.round(128 * (1 - DEFAULT_PARAMETERS.dot_gain / 100));
  return (x, y) => bytes[Math.floor(y / cellDots) * cells + Math.floor(x / cellDots)] < threshold;
}

function label(page: PDFPage, font: PDFFont, text: string, x: number, y: number, size = 7): void {
  page.drawText(text, { x, y, size, font, color: rgb(0, 0, 0) });
}

/** The chart as a one-page A4 PDF; the same input gives the same bytes. */
export async function calibrationChartPdf(input: ChartInput): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  // Fixed dates and metadata: the chart of a calibration is always the same file.
  const epoch = new Date(0);
  pdf.setCreationDate(epoch);
  pdf.setModificationDate(epoch);
  pdf.setProducer('workorder-service');
  pdf.setCreator('workorder-service');
  pdf.setTitle(`Calibration chart ${input.calibrationId}`);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const page = pdf.addPage([...A4]);
  const { dpi } = input.equipment;
  let y = A4[1] - MARGIN;

  page.drawText(`Calibration chart — calibration ${input.calibrationId}`, {
    x: MARGIN,
    y,
    size: 14,
    font: bold,
  });
  y -= 16;
  label(
    page,
    font,
    `Press: ${input.equipment.name} (${dpi} dpi)   Substrate: ${input.substrate.name}`,
    MARGIN,
    y,
    9,
  );
  y -= 12;
  label(
    page,
    font,
    'Print at 100 % scale (no fit to page), on this substrate with this press, then measure and submit the values.',
    MARGIN,
    y,
    8,
  );

  // 1. Module-size ladder: one symbol at each module size, as vector squares.
  y -= 26;
  page.drawText('1. Module size (module_size_mm): the smallest size that prints clean and scans', {
    x: MARGIN,
    y,
    size: 10,
    font: bold,
  });
  const symbol = createQrSymbol(`CAL-${input.calibrationId}`, 'H');
  // One row, top-aligned: a version 1–2 symbol at the sizes above is about 150 mm wide in all.
  let x = MARGIN;
  const top = y - 8;
  let rowBottom = top;
  for (const mm of LADDER_MM) {
    const module = mm * MM;
    const side = symbol.size * module;
    for (let r = 0; r < symbol.size; r++) {
      for (let c = 0; c < symbol.size; c++) {
        if (symbol.data[r * symbol.size + c]) {
          const at = { x: x + c * module, y: top - (r + 1) * module };
          page.drawRectangle({ ...at, width: module, height: module, color: rgb(0, 0, 0) });
        }
      }
    }
    label(page, font, `${mm} mm`, x, top - side - 9);
    rowBottom = Math.min(rowBottom, top - side - 12);
    x += side + 5 * MM;
  }

  // 2. Dot-gain patches, at one image pixel per printer dot.
  y = rowBottom - 24;
  page.drawText('2. Dot gain (dot_gain): measured tint of the 50 % patch minus 50', {
    x: MARGIN,
    y,
    size: 10,
    font: bold,
  });
  y -= 8 + PATCH_MM * MM;
  x = MARGIN;
  for (const tint of PATCH_TINTS) {
    const image = await pdf.embedPng(rasterPng(PATCH_MM, dpi, tintDot(tint)));
    page.drawImage(image, { x, y, width: PATCH_MM * MM, height: PATCH_MM * MM });
    label(page, font, `${tint} %`, x, y - 9);
    x += (PATCH_MM + 4) * MM;
  }

  // 3. Secure-graphic tiles: cells of 1 to 4 printer dots.
  y -= 36;
  page.drawText('3. Secure graphic (cell_dots): the smallest cell whose cells stay apart', {
    x: MARGIN,
    y,
    size: 10,
    font: bold,
  });
  y -= 8 + TILE_MM * MM;
  x = MARGIN;
  const seed = createHash('sha256').update(`calibration-chart:${input.calibrationId}`).digest();
  const tileSide = Math.max(1, Math.round((TILE_MM / 25.4) * dpi));
  for (const cellDots of TILE_CELL_DOTS) {
    const image = await pdf.embedPng(rasterPng(TILE_MM, dpi, tileDot(seed, cellDots, tileSide)));
    page.drawImage(image, { x, y, width: TILE_MM * MM, height: TILE_MM * MM });
    label(page, font, `${cellDots} dot${cellDots > 1 ? 's' : ''}`, x, y - 9);
    x += (TILE_MM + 8) * MM;
  }

  y -= 30;
  const bounds = MEASUREMENT_BOUNDS;
  for (const line of [
    `Submit: module_size_mm (${bounds.module_size_mm.min}–${bounds.module_size_mm.max}), dot_gain (${bounds.dot_gain.min}–${bounds.dot_gain.max} %), cell_dots (${bounds.cell_dots.min}–${bounds.cell_dots.max})`,
    `to POST /api/v2/calibrations/${input.calibrationId}/measurements/ or in the partner portal.`,
  ]) {
    label(page, font, line, MARGIN, y, 8);
    y -= 11;
  }
  return pdf.save({ useObjectStreams: false });
}
