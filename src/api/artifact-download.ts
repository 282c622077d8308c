import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { ArtifactNotFound, type ArtifactStore, type ByteRange } from '../storage/artifacts';
import { ApiError, notFound } from './errors';

export interface StoredFile {
  key: string;
  /** The object's size when the database knows it, which saves asking the store. */
  size?: number;
  /** A strong validator, quoted (`"<sha256>"`): answers If-None-Match and If-Range. */
  etag?: string;
  /** Content-Type, Content-Disposition, Cache-Control and the like, sent with the file only. */
  headers: Record<string, string>;
  /** When the store hands out presigned URLs, the client is redirected there to download this. */
  redirect?: { fileName: string; contentType: string };
}

/**
 * Serves a stored object with GET and HEAD, ETag and one byte range (docs/product.md, The
 * download), streamed from the store with bounded memory, or redirected to the store itself.
 * Errors (404, 416) are the API's JSON answers and carry none of the file's headers.
 */
export async function sendArtifact(
  req: Request,
  res: Response,
  store: ArtifactStore,
  file: StoredFile,
): Promise<void> {
  if (file.etag && matches(req.headers['if-none-match'], file.etag)) {
    res.status(304).set({ ETag: file.etag, 'Cache-Control': file.headers['Cache-Control'] ?? 'no-cache' });
    res.end();
    return;
  }
  if (file.redirect && store.presignedUrl) {
    // The link is good for minutes and names no one; it must not be cached or shared onwards.
    res.set('Cache-Control', 'no-store').redirect(302, await store.presignedUrl(file.key, file.redirect));
    return;
  }
  const size = file.size ?? (await store.head(file.key))?.size;
  if (size === undefined) throw notFound();
  const range = requestedRange(req, size, file.etag);
  const headers: Record<string, string> = {
    ...file.headers,
    ...(file.etag ? { ETag: file.etag } : {}),
    'Accept-Ranges': 'bytes',
    'Content-Length': String(range ? range.end - range.start + 1 : size),
    ...(range ? { 'Content-Range': `bytes ${range.start}-${range.end}/${size}` } : {}),
  };
  if (req.method === 'HEAD') {
    res
      .status(range ? 206 : 200)
      .set(headers)
      .end();
    return;
  }
  // Opened before any header is set: a missing object is still a clean 404.
  const body = await store.get(file.key, range).catch((err: unknown) => {
    throw err instanceof ArtifactNotFound ? notFound() : err;
  });
  res.status(range ? 206 : 200).set(headers);
  try {
    await pipeline(body, res);
  } catch (err) {
    // A client that hangs up mid-download is not an error of the service.
    if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
  }
}

/**
 * The one range asked for, if any. Several ranges, a malformed header or an If-Range naming another
 * version get the whole file (as RFC 9110 allows); a range wholly past the end is a 416.
 */
function requestedRange(req: Request, size: number, etag: string | undefined): ByteRange | undefined {
  if (!req.headers.range) return undefined;
  const ifRange = req.get('if-range');
  if (ifRange !== undefined && ifRange.trim() !== etag) return undefined;
  const ranges = req.range(size, { combine: true });
  if (ranges === -1) {
    throw new ApiError(416, { detail: 'Range not satisfiable.' }, { 'Content-Range': `bytes */${size}` });
  }
  if (ranges === undefined || ranges === -2 || ranges.type !== 'bytes' || ranges.length !== 1) {
    return undefined;
  }
  return { start: ranges[0].start, end: ranges[0].end };
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}
