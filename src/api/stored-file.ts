import type { Response } from 'express';
import { notFound } from './errors';

/** Streams a file of the artifact store (Range and HEAD included); a file gone missing is a 404. */
export function sendStoredFile(res: Response, file: string, headers: Record<string, string>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    res.sendFile(file, { etag: false, lastModified: false, headers }, (err) =>
      err && !res.headersSent ? reject(notFound()) : resolve(),
    );
  });
}
