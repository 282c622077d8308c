import type { BatchRef, CodeSettings, PrinterConfirmation, WorkorderType } from '../shared/workorder';

/** Version 2 adds `secure_graphic`; workorders made before it keep version 1 manifests. */
export const MANIFEST_FORMAT_VERSION = 2;
export const EXTENDED_ID_STYLE = 'compact-12';
/** Where a printer gets the generator that renders every code of the zip (docs/generator.md). */
const OFFLINE_GENERATOR = {
  download: 'GET /api/v2/generator/',
  run: 'node workorder-generator.js <this zip> --out <dir> [--format png|svg|pdf]',
};

export interface ManifestInput {
  workorder: {
    id: number;
    reference: string;
    type: WorkorderType;
    quantity: number;
    creationDate: string;
    company: { id: number; name: string };
    printingPartner: { id: number; name: string } | null;
    product: { id: number; sku: string; name: string } | null;
    template: number | null;
  };
  code: CodeSettings;
  quantity: number;
  printer: PrinterConfirmation | null;
  batches: BatchRef[];
  files: { codesCsvSha256: string; filesCsvSha256: string; images: number };
  generator: { name: string; version: string };
  /** SSC with a confirmed press, secure-graphic version 2: the workorder's own key (never the global one). */
  workorderSecureGraphicKey?: Buffer | null;
}

/**
 * manifest.json of the zip (docs/product.md, The download). Everything in it is fixed by the workorder, so a
 * regenerated zip is byte-identical; its time is the workorder's creation time. No service secret
 * in it: the code key is named by its id only; from format version 2, an SSC manifest carries the
 * workorder's own secure-graphic key, which draws that workorder's graphics and nothing else.
 */
export function buildManifest(m: ManifestInput): string {
  const serialRange =
    m.code.serialStart === null
      ? null
      : { first: m.code.serialStart, last: m.code.serialStart + m.quantity - 1 };
  const version2 = m.code.secureGraphicVersion === 2;
  const key = m.workorderSecureGraphicKey;
  const manifest = {
    format_version: version2 ? MANIFEST_FORMAT_VERSION : 1,
    workorder: {
      id: m.workorder.id,
      reference: m.workorder.reference,
      type: m.workorder.type,
      quantity: m.workorder.quantity,
      company: m.workorder.company,
      printing_partner: m.workorder.printingPartner,
      product: m.workorder.product,
      template: m.workorder.template,
    },
    codes: {
      url_prefix: m.code.urlPrefix.toUpperCase(),
      extended_id_style: EXTENDED_ID_STYLE,
      key_id: m.code.keyId,
      serial_range: serialRange,
      code_layout: m.code.codeLayout,
    },
    qr: {
      error_correction: m.code.qr.errorCorrection,
      pixels_per_module: m.code.qr.pixelsPerModule,
      quiet_zone_modules: m.code.qr.quietZoneModules,
      images: m.code.withImages ? 'one per code' : 'one sample',
      image_count: m.files.images,
    },
    printing: m.printer
      ? {
          equipment: m.printer.equipment,
          substrate: m.printer.substrate,
          calibration: m.printer.calibration,
          external_id: m.printer.externalId,
        }
      : null,
    // Only in version 2, so version 1 manifests keep their exact bytes.
    ...(version2
      ? {
          secure_graphic: key ? { version: 2, key: key.toString('hex') } : null,
          offline_generator: OFFLINE_GENERATOR,
        }
      : {}),
    batches: m.batches.map((b) => ({
      number: b.batchNumber,
      first_sequence: b.firstSequence,
      count: b.count,
      sha256: b.rowsSha256,
    })),
    files: {
      'codes.csv': { sha256: m.files.codesCsvSha256 },
      'files.csv': { sha256: m.files.filesCsvSha256 },
    },
    generator: m.generator,
    created_at: m.workorder.creationDate,
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
