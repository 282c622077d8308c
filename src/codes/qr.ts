import QRCode from 'qrcode';
import type { QrSettings } from '../shared/workorder';
import { encodeQrPng } from './png';

export const DEFAULT_QR: QrSettings = { errorCorrection: 'M', pixelsPerModule: 4, quietZoneModules: 4 };

/** The QR code of `text` as a 1-bit PNG; deterministic, so a retried batch writes the same bytes. */
export function renderQrPng(text: string, qr: QrSettings): Buffer {
  const symbol = QRCode.create(text, { errorCorrectionLevel: qr.errorCorrection });
  return encodeQrPng(symbol.modules, qr);
}
