import jsQR from 'jsqr';
import { PNG } from 'pngjs';

/** Decodes a QR PNG back to its text, as a phone's scanner would read the printed code. */
export function decodeQrPng(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  const result = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  return result?.data ?? null;
}
