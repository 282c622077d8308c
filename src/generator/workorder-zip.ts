import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import yauzl from 'yauzl';
import { CODES_CSV_HEADER } from '../codes/rows';
import { openZipFile } from './zip-reader';
import { parseManifest, ZipRefused, type Manifest } from './manifest';

/** One line of codes.csv, as the generator needs it. */
export interface CodeLine {
  extendedId: string;
  serialNumber: string;
  sequenceNumber: number;
  url: string;
}

const REQUIRED = ['manifest.json', 'codes.csv', 'files.csv'] as const;
const MAX_MANIFEST_BYTES = 1 << 20;
/** Extended IDs name the output files: letters and digits only, whatever a hostile CSV says. */
const EXTENDED_ID = /^[0-9A-Za-z]{1,64}$/;

/**
 * A workorder zip opened for the generator: entries listed, names checked, the manifest read. Nothing
 * is trusted before verify() has checked every SHA-256 the manifest lists.
 */
export class WorkorderZip {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly entries: Map<string, yauzl.Entry>,
    readonly manifest: Manifest,
  ) {}

  static async open(file: string): Promise<WorkorderZip> {
    let zip: yauzl.ZipFile;
    try {
      zip = await openZipFile(file, { lazyEntries: true, autoClose: false });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ZipRefused(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? `${file}: no such file`
          : `${file} is not a workorder zip (${reason})`,
      );
    }
    try {
      const entries = await listEntries(zip);
      for (const name of REQUIRED) {
        if (!entries.has(name)) throw new ZipRefused(`${file} is not a workorder zip (no ${name})`);
      }
      const manifestEntry = entries.get('manifest.json') as yauzl.Entry;
      if (manifestEntry.uncompressedSize > MAX_MANIFEST_BYTES)
        throw new ZipRefused('manifest.json is too large');
      const manifest = parseManifest((await readAll(await openEntry(zip, manifestEntry))).toString('utf8'));
      return new WorkorderZip(zip, entries, manifest);
    } catch (error) {
      zip.close();
      throw error;
    }
  }

  /** Every SHA-256 the manifest lists (each CSV, each batch's rows) and the rows' count and order. */
  async verify(): Promise<void> {
    const { manifest } = this;
    const files = createHash('sha256');
    for await (const chunk of await this.stream('files.csv')) files.update(chunk as Buffer);
    if (files.digest('hex') !== manifest.files['files.csv'].sha256) {
      throw new ZipRefused('files.csv does not match its SHA-256 in the manifest: the zip was altered');
    }

    const whole = createHash('sha256');
    const csv = await this.stream('codes.csv');
    csv.on('data', (chunk: Buffer) => whole.update(chunk));
    const batches = [...manifest.batches].sort((a, b) => a.first_sequence - b.first_sequence);
    let batchIndex = 0;
    let batchHash = createHash('sha256');
    let inBatch = 0;
    let sequence = 0;
    let header = true;
    for await (const line of createInterface({ input: csv, crlfDelay: Infinity })) {
      if (header) {
        if (line !== CODES_CSV_HEADER) throw new ZipRefused('codes.csv has an unexpected header');
        header = false;
        continue;
      }
      sequence++;
      const batch = batches[batchIndex];
      if (!batch || batch.first_sequence !== sequence - inBatch) {
        throw new ZipRefused('codes.csv does not match the batches in the manifest: the zip was altered');
      }
      batchHash.update(`${line}\n`);
      if (++inBatch === batch.count) {
        if (batchHash.digest('hex') !== batch.sha256) {
          throw new ZipRefused(
            `batch ${batch.number} of codes.csv does not match its SHA-256: the zip was altered`,
          );
        }
        batchIndex++;
        batchHash = createHash('sha256');
        inBatch = 0;
      }
    }
    if (whole.digest('hex') !== manifest.files['codes.csv'].sha256) {
      throw new ZipRefused('codes.csv does not match its SHA-256 in the manifest: the zip was altered');
    }
    if (header || batchIndex !== batches.length || sequence !== manifest.workorder.quantity) {
      throw new ZipRefused(`codes.csv holds ${sequence} codes, the manifest ${manifest.workorder.quantity}`);
    }
  }

  /** codes.csv line by line, streamed: memory stays flat at any order size. */
  async *codes(): AsyncGenerator<CodeLine> {
    let header = true;
    for await (const line of createInterface({
      input: await this.stream('codes.csv'),
      crlfDelay: Infinity,
    })) {
      if (header) {
        header = false;
        continue;
      }
      yield parseCodeLine(line);
    }
  }

  /** The bytes of an image entry of the zip (the service's own render), or undefined. */
  async image(name: string): Promise<Buffer | undefined> {
    const entry = this.entries.get(name);
    return entry ? readAll(await openEntry(this.zip, entry)) : undefined;
  }

  close(): void {
    this.zip.close();
  }

  private async stream(name: string): Promise<Readable> {
    return openEntry(this.zip, this.entries.get(name) as yauzl.Entry);
  }
}

function parseCodeLine(line: string): CodeLine {
  const fields = splitCsv(line);
  const [extendedId, serialNumber, sequence, , , url] = fields;
  if (fields.length !== 6 || !EXTENDED_ID.test(extendedId) || !url) {
    throw new ZipRefused(`codes.csv has a malformed line: ${line.slice(0, 80)}`);
  }
  return { extendedId, serialNumber, sequenceNumber: Number(sequence), url };
}

/** RFC 4180 fields of one line (the service quotes only fields holding a comma, quote or newline). */
function splitCsv(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') field += line[++i];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

async function listEntries(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  const entries = new Map<string, yauzl.Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = entry.fileName;
      // yauzl refuses absolute paths and `..` itself; this also names what it found.
      if (
        name.startsWith('/') ||
        name.includes('\\') ||
        /^[A-Za-z]:/.test(name) ||
        name.split('/').includes('..')
      ) {
        reject(new ZipRefused(`hostile entry name in zip: ${JSON.stringify(name)}`));
        return;
      }
      entries.set(name, entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', (error: Error) =>
      reject(
        /relative path|absolute path|invalid characters/i.test(error.message)
          ? new ZipRefused(`hostile entry name in zip (${error.message})`)
          : new ZipRefused(`not a workorder zip (${error.message})`),
      ),
    );
    zip.readEntry();
  });
  return entries;
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (err, stream) =>
      err ? reject(new ZipRefused(`zip entry ${entry.fileName}: ${err.message}`)) : resolve(stream),
    ),
  );
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
