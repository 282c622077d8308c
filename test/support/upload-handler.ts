/**
 * A product upload handler as the seed ("Upload Products") tells brand systems to write one:
 * pre-validate, stringify every value, one POST per product, and a log file of uploaded SKUs so a
 * re-run skips them.
 */
import fs from 'node:fs';
import type { ApiClient, ApiResponse } from './api-client';

export const REQUIRED_FIELDS = ['sku', 'brand_id', 'name'] as const;

export type ProductRecord = Record<string, unknown>;

export interface UploadReport {
  /** SKUs posted in this run and answered 201. */
  uploaded: string[];
  /** SKUs found in the log file and not posted again. */
  skipped: string[];
  failed: Array<{ sku: string; status: number; body: unknown }>;
  posts: number;
}

/** The seed's minimum pre-validation; an empty list means the data may be uploaded. */
export function prevalidate(records: ProductRecord[]): string[] {
  const problems: string[] = [];
  const fieldCount = records.length > 0 ? Object.keys(records[0]).length : 0;
  const seen = new Set<string>();
  records.forEach((record, i) => {
    for (const field of REQUIRED_FIELDS) {
      if (!(field in record)) problems.push(`row ${i + 1}: missing field "${field}"`);
    }
    if (Object.keys(record).length !== fieldCount) {
      problems.push(`row ${i + 1}: ${Object.keys(record).length} fields, expected ${fieldCount}`);
    }
    const sku = record.sku === undefined || record.sku === null ? '' : String(record.sku).trim();
    if (sku === '') problems.push(`row ${i + 1}: blank SKU`);
    else if (seen.has(sku)) problems.push(`row ${i + 1}: duplicate SKU "${sku}"`);
    seen.add(sku);
  });
  return problems;
}

function readLog(logFile: string): Set<string> {
  if (!fs.existsSync(logFile)) return new Set();
  return new Set(
    fs
      .readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line !== ''),
  );
}

/** The seed: "Convert all values to strings." (null stays null: there is no string for "none"). */
export function stringified(record: ProductRecord): Record<string, string | null> {
  return Object.fromEntries(
    Object.entries(record).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)]),
  );
}

export async function uploadProducts(
  client: ApiClient,
  records: ProductRecord[],
  logFile: string,
): Promise<UploadReport> {
  const problems = prevalidate(records);
  if (problems.length > 0) throw new Error(`pre-validation failed:\n${problems.join('\n')}`);
  const done = readLog(logFile);
  const report: UploadReport = { uploaded: [], skipped: [], failed: [], posts: 0 };
  for (const record of records) {
    const body = stringified(record);
    const sku = String(body.sku).trim();
    if (done.has(sku)) {
      report.skipped.push(sku);
      continue;
    }
    report.posts += 1;
    const res: ApiResponse = await client.post('/api/v2/products/', body);
    if (res.status === 201) {
      // Logged as soon as it is answered, so a run cut short still skips what it uploaded.
      fs.appendFileSync(logFile, `${sku}\n`);
      done.add(sku);
      report.uploaded.push(sku);
    } else {
      report.failed.push({ sku, status: res.status, body: res.body });
    }
  }
  return report;
}
