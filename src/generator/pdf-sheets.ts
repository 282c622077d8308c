import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';

/** Points per millimetre (PDF units are 1/72 inch). */
const PT_PER_MM = 72 / 25.4;
const PAGE_SIZES_MM: Record<string, [number, number]> = {
  a4: [210, 297],
  a3: [297, 420],
  letter: [215.9, 279.4],
};
const MARGIN_MM = 10;
const GAP_MM = 3;
const LABEL_PT = 7;

export interface SheetOptions {
  /** Page width and height in millimetres. */
  pageMm: [number, number];
  /** Columns × rows per page; absent: as many as fit at the code's printed size. */
  grid: [number, number] | null;
  /** Codes per sheet file, so million-code orders stay a manageable set of files. */
  codesPerSheet: number;
}

export const DEFAULT_SHEET: SheetOptions = { pageMm: PAGE_SIZES_MM.a4, grid: null, codesPerSheet: 1000 };

/** `a4`, `a3`, `letter` or `<width>x<height>` in millimetres. */
export function parsePageSize(value: string): [number, number] | null {
  const named = PAGE_SIZES_MM[value.toLowerCase()];
  if (named) return named;
  const match = /^(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)(?:mm)?$/i.exec(value);
  if (!match) return null;
  const size: [number, number] = [Number(match[1]), Number(match[2])];
  return size.every((mm) => mm >= 30 && mm <= 2000) ? size : null;
}

/** `<columns>x<rows>`. */
export function parseGrid(value: string): [number, number] | null {
  const match = /^(\d{1,3})x(\d{1,3})$/i.exec(value);
  if (!match) return null;
  const grid: [number, number] = [Number(match[1]), Number(match[2])];
  return grid.every((n) => n >= 1) ? grid : null;
}

export interface SheetCode {
  /** The code's drawing: its size in pixels and its SVG path (src/codes/vector.ts). */
  width: number;
  height: number;
  path: string;
  /** Printed under the code: the serial number, or the extended ID without one. */
  label: string;
}

/**
 * One sheet file: the codes in a grid, page after page, each with its human-readable label under
 * it. A code is printed at `dpi` (one image pixel per printer dot) unless the grid asks for smaller.
 */
export async function sheetPdf(
  codes: readonly SheetCode[],
  dpi: number,
  options: SheetOptions,
): Promise<Buffer> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const [pageW, pageH] = options.pageMm.map((mm) => mm * PT_PER_MM);
  const margin = MARGIN_MM * PT_PER_MM;
  const gap = GAP_MM * PT_PER_MM;
  const labelH = LABEL_PT * 1.6;
  const usableW = pageW - 2 * margin;
  const usableH = pageH - 2 * margin;
  const widest = Math.max(...codes.map((c) => c.width));
  const tallest = Math.max(...codes.map((c) => c.height));
  let scale = 72 / dpi;
  let columns: number;
  let rows: number;
  if (options.grid) {
    [columns, rows] = options.grid;
    const fit = Math.min(
      (usableW - (columns - 1) * gap) / columns / widest,
      ((usableH - (rows - 1) * gap) / rows - labelH) / tallest,
    );
    scale = Math.min(scale, fit > 0 ? fit : scale);
  } else {
    columns = Math.max(1, Math.floor((usableW + gap) / (widest * scale + gap)));
    rows = Math.max(1, Math.floor((usableH + gap) / (tallest * scale + labelH + gap)));
  }
  const cellW = (usableW - (columns - 1) * gap) / columns;
  const cellH = (usableH - (rows - 1) * gap) / rows;
  const black = rgb(0, 0, 0);
  const perPage = columns * rows;
  for (let first = 0; first < codes.length; first += perPage) {
    const page = pdf.addPage([pageW, pageH]);
    codes.slice(first, first + perPage).forEach((code, i) => {
      const column = i % columns;
      const row = Math.floor(i / columns);
      const left = margin + column * (cellW + gap) + (cellW - code.width * scale) / 2;
      const top = pageH - margin - row * (cellH + gap);
      page.drawSvgPath(code.path, { x: left, y: top, scale, color: black });
      const textWidth = font.widthOfTextAtSize(code.label, LABEL_PT);
      page.drawText(code.label, {
        x: margin + column * (cellW + gap) + (cellW - textWidth) / 2,
        y: top - code.height * scale - LABEL_PT * 1.2,
        size: LABEL_PT,
        font,
        color: black,
      });
    });
  }
  return Buffer.from(await pdf.save({ useObjectStreams: false }));
}

/** The path and size of an SVG document made by svgDocument (src/codes/vector.ts). */
export function fromSvgDocument(svg: string, label: string): SheetCode {
  const size = /viewBox="0 0 (\d+) (\d+)"/.exec(svg);
  const path = /<path d="([^"]*)"/.exec(svg);
  if (!size || !path) throw new Error('not an SVG document of the generator');
  return { width: Number(size[1]), height: Number(size[2]), path: path[1], label };
}
