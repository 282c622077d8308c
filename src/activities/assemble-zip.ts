import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { buildManifest, type ManifestInput } from '../codes/manifest';
import { CODES_CSV_HEADER, FILES_CSV_HEADER } from '../codes/rows';
import { SERIALS_CSV_FIRST_LINE, serialNumbersOfCodes } from '../codes/serial-numbers';
import { printedQrSettings, secureGraphicSettings, workorderSecureGraphicKey } from '../codes/secure-graphic';
import type { ArtifactRef, BatchRef } from '../shared/workorder';
import {
  batchKeys,
  readArtifact,
  serialNumbersKey,
  unpackImages,
  writeArtifactStream,
  zipKey,
  type ArtifactStore,
} from '../storage/artifacts';
import type { Repositories } from '../store';
import type { AssembleZipInput } from './types';
import { ZipWriter } from '../zip/zip-writer';

export interface ZipDeps {
  artifacts: ArtifactStore;
  repos: Repositories;
  generator: { name: string; version: string };
  /** The global secure-graphic key: version 2 SSC manifests carry the workorder's key derived from it. */
  secureGraphicKey?: Buffer;
}

/** Every entry gets the same date, so the same workorder always packs into the same bytes. */
const ENTRY_DATE = new Date('2000-01-01T00:00:00Z');
/** The CSVs are deflated (PNG entries are stored); see docs/performance.md for the level. */
const CSV_DEFLATE_LEVEL = 6;

const NEWLINE = 0x0a;

/** A CSV is its header then its batch parts, read one part at a time so memory stays bounded. */
interface CsvParts {
  header: string;
  keys: string[];
}

/** First pass over a CSV's parts: its SHA-256 and its number of data lines; `copy` sees each part. */
async function digestCsv(
  artifacts: ArtifactStore,
  csv: CsvParts,
  onPart: () => void,
  copy?: (part: Buffer) => Promise<void>,
): Promise<{ sha256: string; lines: number }> {
  const hash = createHash('sha256').update(`${csv.header}\n`);
  let lines = 0;
  for (const key of csv.keys) {
    const part = await readArtifact(artifacts, key);
    hash.update(part);
    await copy?.(part);
    for (let i = part.indexOf(NEWLINE); i !== -1; i = part.indexOf(NEWLINE, i + 1)) lines++;
    onPart();
  }
  return { sha256: hash.digest('hex'), lines };
}

/** Second pass: the same bytes, pulled by the zip writer one part at a time. */
async function* csvChunks(
  artifacts: ArtifactStore,
  csv: CsvParts,
  onPart: () => void,
): AsyncGenerator<Buffer> {
  yield Buffer.from(`${csv.header}\n`);
  for (const key of csv.keys) {
    yield await readArtifact(artifacts, key);
    onPart();
  }
}

export interface ZipContent {
  workorderId: number;
  batches: BatchRef[];
  /** The manifest's inputs but the file digests, which the zip writer computes. */
  manifest: Omit<ManifestInput, 'files'>;
}

/**
 * Writes workorder-<id>.zip from the batches in the artifact store: codes.csv, files.csv,
 * manifest.json, then codes/ (docs/product.md, The download). Two passes over the CSV parts
 * (digests for the manifest, then the entries), so memory holds one part or one batch of images,
 * at any order size.
 * `progress` is called often (per part and per batch of images): the activity heartbeats there.
 */
export async function writeWorkorderZip(
  artifacts: ArtifactStore,
  content: ZipContent,
  progress: (detail: Record<string, number>) => void = () => undefined,
): Promise<ArtifactRef> {
  const keys = content.batches.map((b) => batchKeys(content.workorderId, b.batchNumber));
  const codesCsv: CsvParts = { header: CODES_CSV_HEADER, keys: keys.map((k) => k.codes) };
  const filesCsv: CsvParts = { header: FILES_CSV_HEADER, keys: keys.map((k) => k.files) };
  let parts = 0;
  const partDone = () => progress({ csvParts: ++parts });
  // serial-numbers.csv is written from the same pass over codes.csv, before the zip marks completion.
  let codesDigest = { sha256: '', lines: 0 };
  await writeArtifactStream(artifacts, serialNumbersKey(content.workorderId), async (serials) => {
    serials.write(SERIALS_CSV_FIRST_LINE);
    codesDigest = await digestCsv(artifacts, codesCsv, partDone, async (part) => {
      if (!serials.write(serialNumbersOfCodes(part))) await once(serials, 'drain');
    });
  });
  const filesDigest = await digestCsv(artifacts, filesCsv, partDone);
  const manifest = buildManifest({
    ...content.manifest,
    files: {
      codesCsvSha256: codesDigest.sha256,
      filesCsvSha256: filesDigest.sha256,
      images: filesDigest.lines,
    },
  });

  return writeArtifactStream(artifacts, zipKey(content.workorderId), async (out) => {
    const zip = new ZipWriter(out, ENTRY_DATE);
    await zip.addDeflated('codes.csv', csvChunks(artifacts, codesCsv, partDone), CSV_DEFLATE_LEVEL);
    await zip.addDeflated('files.csv', csvChunks(artifacts, filesCsv, partDone), CSV_DEFLATE_LEVEL);
    await zip.addDeflated('manifest.json', [Buffer.from(manifest, 'utf8')], CSV_DEFLATE_LEVEL);
    // One batch of images in memory at a time; PNGs are already compressed, so they are stored.
    for (const [i, k] of keys.entries()) {
      const images = unpackImages(await readArtifact(artifacts, k.images));
      if (images.length > 0) {
        const names = (await readArtifact(artifacts, k.files))
          .toString('utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => line.split(',')[0]);
        for (const [j, png] of images.entries()) await zip.addStored(names[j], png);
      }
      progress({ batch: i + 1 });
    }
    await zip.finish();
  });
}

/**
 * Packs codes.csv, files.csv, manifest.json and codes/ into workorder-<id>.zip, and writes the
 * serial-numbers CSV beside it (docs/product.md, The download).
 */
export async function assembleZip(deps: ZipDeps, input: AssembleZipInput): Promise<ArtifactRef> {
  const ctx = Context.current();
  const workorder = await deps.repos.workorders.byId(input.workorderId);
  if (!workorder) throw new Error(`Workorder ${input.workorderId} has no database row`);
  const companies = await deps.repos.companies.byIds(
    [workorder.company_id, workorder.printing_partner_id].filter((id): id is number => id !== null),
  );
  const company = companies.get(workorder.company_id);
  const partner = workorder.printing_partner_id ? companies.get(workorder.printing_partner_id) : undefined;
  const product =
    workorder.product_id !== null
      ? (await deps.repos.products.byIds([workorder.product_id])).get(workorder.product_id)
      : undefined;

  const drawsGraphic =
    input.code.secureGraphicVersion === 2 && secureGraphicSettings(input.code, input.printer) !== null;
  if (drawsGraphic && !deps.secureGraphicKey) {
    throw ApplicationFailure.nonRetryable(
      'This worker has no secure-graphic key; the SSC zip cannot be made.',
    );
  }
  const manifest: Omit<ManifestInput, 'files'> = {
    workorder: {
      id: workorder.id,
      reference: workorder.reference,
      type: workorder.type,
      quantity: workorder.quantity,
      creationDate: workorder.creation_date,
      company: { id: workorder.company_id, name: company?.name ?? '' },
      printingPartner: partner ? { id: partner.id, name: partner.name } : null,
      product: product ? { id: product.id, sku: product.sku, name: product.name } : null,
      template: workorder.template_id,
    },
    // SSC images are drawn at the press's resolution: the manifest states the settings used.
    code: { ...input.code, qr: printedQrSettings(input.code, input.printer) },
    quantity: workorder.quantity,
    printer: input.printer,
    batches: input.batches,
    generator: deps.generator,
    workorderSecureGraphicKey:
      drawsGraphic && deps.secureGraphicKey
        ? workorderSecureGraphicKey(deps.secureGraphicKey, workorder.id)
        : null,
  };
  return writeWorkorderZip(
    deps.artifacts,
    { workorderId: input.workorderId, batches: input.batches, manifest },
    (detail) => ctx.heartbeat(detail),
  );
}
