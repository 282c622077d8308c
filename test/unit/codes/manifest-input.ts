import type { ManifestInput } from '../../../src/codes/manifest';

/** An SSC workorder created before secure-graphic version 2 (no version in its code settings). */
export const INPUT: ManifestInput = {
  workorder: {
    id: 41,
    reference: 'SSC-041',
    type: 'SSC',
    quantity: 2,
    creationDate: '2026-11-02T09:30:00.000Z',
    company: { id: 1, name: 'Acme' },
    printingPartner: { id: 2, name: 'Print AG' },
    product: null,
    template: 3,
  },
  code: {
    codeIndexStart: 4100,
    serialStart: 17,
    urlPrefix: 'https://qr.example.com/q/',
    keyId: 'k1',
    codeLayout: 'sg-inside',
    withImages: true,
    qr: { errorCorrection: 'H', pixelsPerModule: 9, quietZoneModules: 4 },
  },
  quantity: 2,
  printer: {
    equipment: { id: 5, name: 'Press', dpi: 600 },
    substrate: { id: 6, name: 'Paper' },
    calibration: { id: 7, parameters: { module_size_mm: 0.4, cell_dots: 2, dot_gain: 12 } },
    externalId: 'job-1',
  },
  batches: [{ batchNumber: 1, firstSequence: 1, count: 2, rowsSha256: 'a'.repeat(64) }],
  files: { codesCsvSha256: 'b'.repeat(64), filesCsvSha256: 'c'.repeat(64), images: 2 },
  generator: { name: 'workorder-service', version: '0.1.0' },
};
