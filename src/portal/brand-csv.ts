/**
 * The product CSV of seed 004's upload handler, checked before anything is sent: the required
 * columns (`sku`, `brand_id`, `name`), the same number of fields in every row, no blank and no
 * duplicated SKU (and no blank name or brand). Pure functions, no DOM: unit-tested on their own.
 */

export const REQUIRED_COLUMNS = ['sku', 'brand_id', 'name'] as const;
export const OPTIONAL_COLUMNS = ['description', 'client_url'] as const;

export interface CsvProblem {
  /** The line in the file, 1 being the header; 0 for the file as a whole. */
  row: number;
  message: string;
}

export interface ProductRow {
  row: number;
  sku: string;
  brand_id: string;
  name: string;
  description?: string;
  client_url?: string;
}

/** RFC 4180: commas, double quotes around fields, `""` for a quote, CRLF or LF line ends. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  // Blank lines (a trailing newline, an empty line) carry no product.
  return rows.filter((r) => !(r.length === 1 && r[0].trim() === ''));
}

/** Every problem, by row, or the rows ready to send when there is none. */
export function validateProducts(text: string): { problems: CsvProblem[]; rows: ProductRow[] } {
  const lines = parseCsv(text);
  const problems: CsvProblem[] = [];
  if (lines.length === 0) return { problems: [{ row: 0, message: 'The file is empty.' }], rows: [] };
  const header = lines[0].map((h) => h.trim().toLowerCase());
  for (const column of REQUIRED_COLUMNS) {
    if (!header.includes(column))
      problems.push({ row: 1, message: `The header has no "${column}" column (required).` });
  }
  const seen = new Set<string>();
  for (const [i, name] of header.entries()) {
    if (name === '') problems.push({ row: 1, message: `Column ${i + 1} has no name.` });
    else if (seen.has(name)) problems.push({ row: 1, message: `The column "${name}" appears twice.` });
    seen.add(name);
  }
  if (problems.length > 0) return { problems, rows: [] };
  if (lines.length === 1) return { problems: [{ row: 0, message: 'The file has no products.' }], rows: [] };

  const col = (name: string) => header.indexOf(name);
  const firstRowOf = new Map<string, number>();
  const rows: ProductRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const fields = lines[i];
    const row = i + 1;
    if (fields.length !== header.length) {
      problems.push({
        row,
        message: `Has ${fields.length} fields; the header has ${header.length}.`,
      });
      continue;
    }
    const value = (name: string) => (col(name) >= 0 ? fields[col(name)].trim() : '');
    const sku = value('sku');
    if (sku === '') problems.push({ row, message: 'The SKU is blank.' });
    else if (firstRowOf.has(sku))
      problems.push({ row, message: `The SKU "${sku}" is also on row ${firstRowOf.get(sku)}.` });
    else firstRowOf.set(sku, row);
    if (value('name') === '') problems.push({ row, message: 'The name is blank.' });
    const brand = value('brand_id');
    if (brand === '') problems.push({ row, message: 'The brand_id is blank.' });
    else if (!/^\d+$/.test(brand))
      problems.push({ row, message: `The brand_id "${brand}" is not a number.` });
    const product: ProductRow = { row, sku, brand_id: brand, name: value('name') };
    for (const optional of OPTIONAL_COLUMNS) if (col(optional) >= 0) product[optional] = value(optional);
    rows.push(product);
  }
  return problems.length > 0 ? { problems, rows: [] } : { problems, rows };
}

/** One line of the upload log, as CSV: `row,sku,outcome,detail`. */
export function logLine(fields: Array<string | number>): string {
  return fields
    .map((f) => {
      const s = String(f);
      return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',');
}
