/** Writes a zip from entries (name → bytes) with the service's zip writer: for tampered copies. */
import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import { ZipWriter } from '../../src/zip/zip-writer';

export async function writeZip(file: string, entries: Map<string, Buffer>): Promise<void> {
  const out = fs.createWriteStream(file);
  const zip = new ZipWriter(out, new Date('2000-01-01T00:00:00Z'));
  for (const [name, bytes] of entries) await zip.addStored(name, bytes);
  await zip.finish();
  out.end();
  await finished(out);
}
