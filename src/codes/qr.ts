import QRCode from 'qrcode';
import type { QrSettings } from '../shared/workorder';
import { encodeBitmapPng, encodeQrPng } from './png';
import { drawSecureCode, type SecureGraphicSettings } from './secure-graphic';

export const DEFAULT_QR: QrSettings = { errorCorrection: 'M', pixelsPerModule: 4, quietZoneModules: 4 };

/** The QR code of `text` as a 1-bit PNG; deterministic, so a retried batch writes the same bytes. */
export function renderQrPng(text: string, qr: QrSettings): Buffer {
  const symbol = QRCode.create(text, { errorCorrectionLevel: qr.errorCorrection });
  return encodeQrPng(symbol.modules, qr);
}

/** An SSC code's printed image: the QR of `text` with its secure graphic from the code's seed. */
export function renderSecureQrPng(
  text: string,
  qr: QrSettings,
  graphic: SecureGraphicSettings,
  seed: Uint8Array,
): Buffer {
  const symbol = QRCode.create(text, { errorCorrectionLevel: qr.errorCorrection });
  return encodeBitmapPng(drawSecureCode(symbol.modules, qr, graphic, seed));
}
