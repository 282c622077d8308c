import { createHmac, timingSafeEqual } from 'node:crypto';

const VALIDITY_SECONDS = 24 * 60 * 60;

/** Signed download links: anyone holding one may fetch that zip, for 24 hours, without a token. */
export function createLinkSigner(secret: Buffer, publicUrl: string) {
  const signatureOf = (workorderId: number, expires: number) =>
    createHmac('sha256', secret).update(`download:${workorderId}:${expires}`).digest('base64url');

  return {
    downloadUrl(workorderId: number, now = Date.now()): string {
      const expires = Math.floor(now / 1000) + VALIDITY_SECONDS;
      return `${publicUrl}/api/v2/workorders/${workorderId}/download/?expires=${expires}&signature=${signatureOf(workorderId, expires)}`;
    },
    /** The same path without a signature: it needs a token with `workorder_download`. */
    plainUrl(workorderId: number): string {
      return `${publicUrl}/api/v2/workorders/${workorderId}/download/`;
    },
    verify(workorderId: number, expires: string, signature: string, now = Date.now()): boolean {
      if (!/^\d{1,12}$/.test(expires)) return false;
      const expiresAt = Number(expires);
      if (expiresAt * 1000 <= now) return false;
      const expected = Buffer.from(signatureOf(workorderId, expiresAt));
      const given = Buffer.from(signature);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}
export type LinkSigner = ReturnType<typeof createLinkSigner>;
