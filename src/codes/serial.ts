const SERIAL_DIGITS = 10;
const SERIAL_LIMIT = 10 ** SERIAL_DIGITS;

/** A serial number as printed: zero-padded decimal of 10 digits (docs/product.md, Codes). */
export function formatSerialNumber(serial: number): string {
  if (!Number.isInteger(serial) || serial < 0 || serial >= SERIAL_LIMIT) {
    throw new RangeError(`a serial number is an integer in [0, ${SERIAL_LIMIT}), got ${serial}`);
  }
  return String(serial).padStart(SERIAL_DIGITS, '0');
}
