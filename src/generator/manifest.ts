import { z } from 'zod';
import { secureGraphicSettings, type SecureGraphicSettings } from '../codes/secure-graphic';
import type { CodeSettings, PrinterConfirmation, QrSettings } from '../shared/workorder';

/** The manifest versions this generator reads (src/codes/manifest.ts writes them). */
export const READABLE_FORMAT_VERSIONS = [1, 2] as const;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const count = z.number().int().nonnegative();

/** The parts of manifest.json the generator relies on; anything else in it is left alone. */
export const manifestSchema = z.object({
  format_version: z.number().int(),
  workorder: z.object({ id: z.number().int().positive(), type: z.enum(['SID', 'SSC']), quantity: count }),
  codes: z.object({ code_layout: z.enum(['qr', 'sg-inside', 'sg-outside']) }),
  qr: z.object({
    error_correction: z.enum(['L', 'M', 'Q', 'H']),
    pixels_per_module: z.number().int().min(1).max(64),
    quiet_zone_modules: z.number().int().min(0).max(16),
  }),
  printing: z
    .object({
      equipment: z.object({ id: z.number(), name: z.string(), dpi: z.number().positive() }),
      substrate: z.object({ id: z.number(), name: z.string() }),
      calibration: z.object({
        id: z.number(),
        parameters: z.record(z.string(), z.union([z.number(), z.string()])),
      }),
      external_id: z.string(),
    })
    .nullable(),
  secure_graphic: z
    .object({ version: z.literal(2), key: z.string().regex(/^[0-9a-f]{64}$/) })
    .nullable()
    .optional(),
  batches: z.array(z.object({ number: z.number().int().positive(), first_sequence: count, count, sha256 })),
  files: z.object({ 'codes.csv': z.object({ sha256 }), 'files.csv': z.object({ sha256 }) }),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** How the codes of a zip are drawn: the manifest's settings and, for SSC, the workorder's key. */
export interface Drawing {
  qr: QrSettings;
  graphic: { settings: SecureGraphicSettings; seedKey: Buffer } | null;
  /** Printer resolution, for the size of a code on a PDF sheet. */
  dpi: number;
}

/** A problem with the zip: the generator prints the message on one line and exits non-zero. */
export class ZipRefused extends Error {}

export function parseManifest(text: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ZipRefused('manifest.json is not JSON');
  }
  const version = (json as { format_version?: unknown } | null)?.format_version;
  if (typeof version === 'number' && !(READABLE_FORMAT_VERSIONS as readonly number[]).includes(version)) {
    throw new ZipRefused(
      `unknown manifest format version ${version} (this generator reads ${READABLE_FORMAT_VERSIONS.join(' and ')}); get the current generator from the service`,
    );
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ZipRefused(
      `manifest.json is not a workorder manifest (${issue.path.join('.')}: ${issue.message})`,
    );
  }
  return parsed.data;
}

/** The drawing settings the service used for this zip's images. */
export function drawingOf(manifest: Manifest): Drawing {
  // The manifest's qr block already holds the printed settings (for SSC, the press's resolution).
  const qr: QrSettings = {
    errorCorrection: manifest.qr.error_correction,
    pixelsPerModule: manifest.qr.pixels_per_module,
    quietZoneModules: manifest.qr.quiet_zone_modules,
  };
  const printer: PrinterConfirmation | null = manifest.printing && {
    equipment: manifest.printing.equipment,
    substrate: manifest.printing.substrate,
    calibration: manifest.printing.calibration,
    externalId: manifest.printing.external_id,
  };
  const code = { codeLayout: manifest.codes.code_layout, qr } as CodeSettings;
  // The graphic's settings follow from the printing, as the service derived them.
  const settings = secureGraphicSettings(code, printer);
  const dpi = printer?.equipment.dpi ?? 300;
  if (!settings) return { qr, graphic: null, dpi };
  if (!manifest.secure_graphic) {
    throw new ZipRefused(
      `this SSC zip (manifest format version ${manifest.format_version}) carries no secure-graphic key: it predates offline generation; ask the service for the workorder's images`,
    );
  }
  return { qr, graphic: { settings, seedKey: Buffer.from(manifest.secure_graphic.key, 'hex') }, dpi };
}
