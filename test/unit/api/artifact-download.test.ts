/**
 * sendArtifact over HTTP: GET, HEAD, ETag, one range, 416 for a range past the end, redirects to
 * presigned links. A real local store and a real server on a free port; the API's error handler
 * is stood in for by the few lines that render an ApiError the same way.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { sendArtifact } from '../../../src/api/artifact-download';
import { ApiError } from '../../../src/api/errors';
import type { ArtifactStore } from '../../../src/storage/artifacts';
import { createLocalArtifactStore } from '../../../src/storage/local';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'artifact-download-'));
const bytes = randomBytes(1000);
const ETAG = '"abc123"';
let server: Server;
let base: string;

function serve(store: ArtifactStore) {
  const app = express();
  app.set('etag', false); // as the API does
  app.get('/files/:name', async (req, res) => {
    await sendArtifact(req, res, store, {
      key: `files/${req.params.name}`,
      etag: ETAG,
      headers: { 'Content-Type': 'application/zip', 'Content-Disposition': 'attachment; filename="x.zip"' },
      redirect: { fileName: 'x.zip', contentType: 'application/zip' },
    });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const known = err instanceof ApiError ? err : new ApiError(500, { detail: String(err) });
    res.set(known.headers).status(known.status).json(known.body);
  });
  return app;
}

async function listen(store: ArtifactStore): Promise<void> {
  await new Promise<void>((resolve) => {
    server = serve(store).listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as { port: number };
  base = `http://127.0.0.1:${address.port}`;
}

const get = (name: string, headers: Record<string, string> = {}, method = 'GET') =>
  fetch(`${base}/files/${name}`, { headers, method, redirect: 'manual' });

beforeAll(async () => {
  const store = createLocalArtifactStore(root);
  await store.put('files/a.zip', bytes);
  await listen(store);
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(root, { recursive: true, force: true });
});

test('GET sends the whole file with its headers; HEAD the same headers and no body', async () => {
  const res = await get('a.zip');
  expect(res.status).toBe(200);
  expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  expect(res.headers.get('content-length')).toBe('1000');
  expect(res.headers.get('accept-ranges')).toBe('bytes');
  expect(res.headers.get('etag')).toBe(ETAG);
  expect(res.headers.get('content-disposition')).toBe('attachment; filename="x.zip"');
  const head = await get('a.zip', {}, 'HEAD');
  expect(head.status).toBe(200);
  expect(head.headers.get('content-length')).toBe('1000');
  expect(await head.text()).toBe('');
});

test('one range is a 206 with its Content-Range; a suffix range counts from the end', async () => {
  const res = await get('a.zip', { Range: 'bytes=10-29' });
  expect(res.status).toBe(206);
  expect(res.headers.get('content-range')).toBe('bytes 10-29/1000');
  expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(10, 30))).toBe(true);
  const tail = await get('a.zip', { Range: 'bytes=-5' });
  expect(tail.status).toBe(206);
  expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(995))).toBe(true);
  const clipped = await get('a.zip', { Range: 'bytes=990-5000' });
  expect([clipped.status, clipped.headers.get('content-range')]).toEqual([206, 'bytes 990-999/1000']);
  await clipped.arrayBuffer();
  const head = await get('a.zip', { Range: 'bytes=0-99' }, 'HEAD');
  expect([head.status, head.headers.get('content-length')]).toEqual([206, '100']);
});

test('a range past the end is a 416 with bytes */size and none of the file headers', async () => {
  for (const range of ['bytes=1000-', 'bytes=5000-6000']) {
    const res = await get('a.zip', { Range: range });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe('bytes */1000');
    expect(res.headers.get('content-type')).toContain('application/json');
    for (const header of ['content-disposition', 'etag', 'accept-ranges']) {
      expect([header, res.headers.get(header)]).toEqual([header, null]);
    }
    expect(await res.json()).toEqual({ detail: 'Range not satisfiable.' });
  }
});

test('several ranges, a malformed one or an If-Range for another version get the whole file', async () => {
  const cases: Record<string, string>[] = [
    { Range: 'bytes=0-1,5-9' },
    { Range: 'bytes=oops' },
    { Range: 'bytes=0-9', 'If-Range': '"another"' },
  ];
  for (const headers of cases) {
    const res = await get('a.zip', headers);
    expect([JSON.stringify(headers), res.status]).toEqual([JSON.stringify(headers), 200]);
    expect((await res.arrayBuffer()).byteLength).toBe(1000);
  }
  const same = await get('a.zip', { Range: 'bytes=0-9', 'If-Range': ETAG });
  expect(same.status).toBe(206);
  await same.arrayBuffer();
});

test('If-None-Match with the ETag is a 304; a missing object a JSON 404 without file headers', async () => {
  const cached = await get('a.zip', { 'If-None-Match': `W/"old", ${ETAG}` });
  expect([cached.status, cached.headers.get('etag')]).toEqual([304, ETAG]);
  const missing = await get('gone.zip');
  expect(missing.status).toBe(404);
  expect(missing.headers.get('content-disposition')).toBeNull();
  expect(await missing.json()).toEqual({ detail: 'Not found.' });
});

test('a store that hands out presigned links gets the download redirected there', async () => {
  await new Promise((resolve) => server.close(resolve));
  const local = createLocalArtifactStore(root);
  const seen: unknown[] = [];
  await listen({
    ...local,
    presignedUrl: (key, download) => {
      seen.push({ key, ...download });
      return Promise.resolve('https://bucket.example.com/signed');
    },
  });
  const res = await get('a.zip');
  expect(res.status).toBe(302);
  expect(res.headers.get('location')).toBe('https://bucket.example.com/signed');
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(seen).toEqual([{ key: 'files/a.zip', fileName: 'x.zip', contentType: 'application/zip' }]);
  // A client that has the current version is still told so without a redirect.
  expect((await get('a.zip', { 'If-None-Match': ETAG })).status).toBe(304);
});
