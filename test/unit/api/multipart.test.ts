/**
 * parseMultipart behind a real HTTP server, fed by a real client: the bytes are counted as they
 * arrive, so a chunked body with no Content-Length is cut off at the cap with 413, and any file
 * but one `image` ends the request with 400 instead of being drained.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ApiError } from '../../../src/api/errors';
import { MAX_UPLOAD_BYTES, parseMultipart } from '../../../src/api/multipart';

let server: http.Server;
let port: number;
let bytesRead = 0;

beforeAll(async () => {
  const app = express();
  app.post('/upload', async (req: Request, res: Response) => {
    req.on('data', (chunk: Buffer) => (bytesRead += chunk.length));
    const form = await parseMultipart(req, ['image']);
    res.json({ fields: form.fields, image: form.files.image?.data.length ?? null });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (!(err instanceof ApiError)) return void res.status(500).json({ detail: String(err) });
    res.status(err.status).set(err.headers).json(err.body);
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  bytesRead = 0;
});

const BOUNDARY = 'XyZ';
const part = (name: string, value: string | Buffer, filename?: string) =>
  Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\n\r\n`,
    ),
    Buffer.from(value),
    Buffer.from('\r\n'),
  ]);
const end = Buffer.from(`--${BOUNDARY}--\r\n`);

/** Sends a chunked body, `total` bytes of file after `head`, until the server answers. */
function chunkedUpload(head: Buffer, total: number): Promise<{ status: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request(
      {
        port,
        host: '127.0.0.1',
        method: 'POST',
        path: '/upload',
        headers: {
          'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
          'Transfer-Encoding': 'chunked',
        },
      },
      (res) => {
        answered = true;
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sent }));
      },
    );
    req.on('error', (err) => (answered ? undefined : reject(err)));
    req.write(head);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end(end);
    };
    pump();
  });
}

describe('uploads are bounded by the bytes received', () => {
  test('a chunked upload past 10 MiB is answered 413 while the client is still sending', async () => {
    const head = part('sku', 'S1');
    const fileHead = Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="big.png"\r\n\r\n`,
    );
    const res = await chunkedUpload(Buffer.concat([head, fileHead]), 200 * 1024 * 1024);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual({ detail: 'The uploaded file is too large; the limit is 10 MiB.' });
    expect(bytesRead).toBeLessThan(MAX_UPLOAD_BYTES + 6 * 1024 * 1024);
    expect(res.sent).toBeLessThan(200 * 1024 * 1024);
  });

  test('a Content-Length over the cap is 413 before any byte is read', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/upload`, {
      method: 'POST',
      headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` },
      body: Buffer.concat([part('image', Buffer.alloc(12 * 1024 * 1024), 'a.png'), end]),
    }).catch(() => undefined);
    expect(res?.status).toBe(413);
  });

  test('one image and text fields are read', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/upload`, {
      method: 'POST',
      headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` },
      body: Buffer.concat([part('sku', 'S1'), part('image', Buffer.alloc(1000, 1), 'a.png'), end]),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ fields: { sku: 'S1' }, image: 1000 });
  });

  test.each([
    ['a file in another field', [part('other', 'x', 'x.bin'), part('image', 'y', 'y.png')]],
    ['a second image', [part('image', 'x', 'x.png'), part('image', 'y', 'y.png')]],
  ])('%s is 400, not drained', async (_name, parts) => {
    const res = await fetch(`http://127.0.0.1:${port}/upload`, {
      method: 'POST',
      headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` },
      body: Buffer.concat([...parts, end]),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      non_field_errors: ['Only one file may be uploaded, in the field "image".'],
    });
  });

  test('an unexpected file part with a huge chunked body is refused at once', async () => {
    const fileHead = Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="attachment"; filename="x.bin"\r\n\r\n`,
    );
    const res = await chunkedUpload(fileHead, 200 * 1024 * 1024);
    expect(res.status).toBe(400);
    expect(bytesRead).toBeLessThan(6 * 1024 * 1024);
  });
});
