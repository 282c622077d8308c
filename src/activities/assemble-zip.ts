import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import archiver from 'archiver';
import { buildManifest, type ManifestInput } from '../codes/manifest';
import { CODES_CSV_HEADER, FILES_CSV_HEADER } from '../codes/rows';
import { printedQrSettings } from '../codes/secure-graphic';
import type { ArtifactRef } from '../shared/workorder';
import { batchKeys, unpackImages, zipKey, type ArtifactStore } from '../storage/artifacts';
import type { Repositories } from '../store';
import type { AssembleZipInput } from './types';

export interface ZipDeps {
  artifacts: ArtifactStore;
  repos: Repositories;
  generator: { name: string; version: string };
}

/** Every entry gets the same date, so the same workorder always packs into the same bytes. */
const ENTRY_DATE = new Date('2000-01-01T00:00:00Z');

/** Concatenates a CSV's header and its batch parts; returns the text and its SHA-256. */
async function joinCsv(artifacts: ArtifactStore, header: string, keys: string[]): Promise<Buffer> {
  const parts: Buffer[] = [Buffer.from(`${header}\n`)];
  for (const key of keys) parts.push(await artifacts.read(key));
  return Buffer.concat(parts);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Packs codes.csv, files.csv, manifest.json and codes/ into workorder-<id>.zip (CONTRACT §9). */
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

  const keys = input.batches.map((b) => batchKeys(input.workorderId, b.batchNumber));
  const codesCsv = await joinCsv(
    deps.artifacts,
    CODES_CSV_HEADER,
    keys.map((k) => k.codes),
  );
  const filesCsv = await joinCsv(
    deps.artifacts,
    FILES_CSV_HEADER,
    keys.map((k) => k.files),
  );
  const imageCount = filesCsv.toString('utf8').split('\n').length - 2;
  const manifestInput: ManifestInput = {
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
    files: { codesCsvSha256: sha256(codesCsv), filesCsvSha256: sha256(filesCsv), images: imageCount },
    generator: deps.generator,
  };

  return deps.artifacts.writeStream(zipKey(input.workorderId), async (out) => {
    const zip = archiver('zip', { zlib: { level: 6 } });
    const finished = new Promise<void>((resolve, reject) => {
      out.on('close', resolve);
      out.on('error', reject);
      zip.on('error', reject);
    });
    zip.pipe(out);
    const entry = { date: ENTRY_DATE, mode: 0o644 };
    zip.append(codesCsv, { ...entry, name: 'codes.csv' });
    zip.append(filesCsv, { ...entry, name: 'files.csv' });
    zip.append(buildManifest(manifestInput), { ...entry, name: 'manifest.json' });

    // One batch of images in memory at a time: wait for the archiver to take it before the next.
    let appended = 3;
    for (const [i, k] of keys.entries()) {
      const names = (await deps.artifacts.read(k.files))
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(',')[0]);
      const images = unpackImages(await deps.artifacts.read(k.images));
      // PNGs are already compressed: store them rather than deflate them again.
      images.forEach((png, j) => zip.append(png, { ...entry, name: names[j], store: true }));
      if (images.length > 0) {
        appended += images.length;
        await waitForEntries(zip, appended);
      }
      ctx.heartbeat({ batch: i + 1 });
    }
    await zip.finalize();
    await finished;
  });
}

function waitForEntries(zip: archiver.Archiver, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (progress: archiver.ProgressData) => {
      if (progress.entries.processed >= count) {
        zip.off('progress', check);
        zip.off('error', reject);
        resolve();
      }
    };
    zip.on('progress', check);
    zip.once('error', reject);
  });
}
