/**
 * A SID workorder with ARTIFACT_STORE=s3, through the API, on real parts: the worker and API
 * processes, the run's Temporal dev server, and a real S3 server (Versity Gateway over a temporary
 * directory) started here. Batches, the zip and the serial numbers live in the bucket only; the
 * download keeps ETag, HEAD and Range, or redirects to a presigned link when configured.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ApiClient, type Workorder } from '../support/api-client';
import type { Caller } from '../support/fixtures';
import { regenerateZip } from '../support/regenerate';
import { S3_SETUP_TIMEOUT_MS, startTestS3, type TestS3 } from '../support/s3';
import { Stack } from '../support/stack';
import { readZip } from '../support/zip';

const QUANTITY = 10_250; // two batches

let s3: TestS3;
let stack: Stack;
let brand: Caller;
let workorder: Workorder;
let zip: Buffer;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Every file under a directory, as paths relative to it. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

beforeAll(async () => {
  s3 = await startTestS3();
  stack = await (await Stack.create({ env: s3.env })).start();
  brand = await stack.fixtures.brandOwner('Bucket Brands');
}, S3_SETUP_TIMEOUT_MS);

afterAll(async () => {
  await stack?.destroy();
  await s3?.stop();
});

describe('a SID workorder on the S3 artifact store', () => {
  test('completes, with its zip and serial numbers in the bucket (batch parts removed) and none on the disk', async () => {
    const template = await stack.fixtures.sidTemplate(brand.company, 'SID on S3');
    const created = await brand.client.post<Workorder>('/api/v2/workorders/create-from-template/', {
      template: template.id,
      quantity: QUANTITY,
      reference: 'S3 run',
    });
    expect(created.status).toBe(201);
    workorder = await brand.client.waitFor(
      created.body.id,
      (w) => w.state === 'completed' && typeof w.codegen_file === 'string',
      300_000,
    );
    const { id } = workorder;
    // The batch parts go once the zip is assembled (the remove-batch-parts patch), a moment after.
    const stored = () => filesUnder(path.join(s3.dir, 'workorders', 'workorders', String(id))).sort();
    const deadline = Date.now() + 60_000;
    while (stored().some((f) => f.startsWith('batches/')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(stored()).toEqual([`workorder-${id}.zip`, 'serial-numbers.csv'].sort());
    expect(filesUnder(path.join(stack.dataDir, 'artifacts'))).toEqual([]);
  });

  test('the signed link downloads the zip with ETag, HEAD and Range; past the end is a 416', async () => {
    const anonymous = new ApiClient(stack.baseUrl, null);
    const link = String(workorder.codegen_file);
    const full = await anonymous.bytes(link);
    expect(full.status).toBe(200);
    zip = full.data;
    const etag = `"${sha256(zip)}"`;
    expect(full.headers.get('etag')).toBe(etag);
    expect(full.headers.get('content-type')).toBe('application/zip');

    const head = await fetch(link, { method: 'HEAD' });
    expect([head.status, Number(head.headers.get('content-length'))]).toEqual([200, zip.length]);

    const range = await anonymous.bytes(link, { Range: 'bytes=100-4195' });
    expect([range.status, range.headers.get('content-range')]).toEqual([206, `bytes 100-4195/${zip.length}`]);
    expect(range.data.equals(zip.subarray(100, 4196))).toBe(true);

    const past = await anonymous.bytes(link, { Range: `bytes=${zip.length}-` });
    expect([past.status, past.headers.get('content-range')]).toEqual([416, `bytes */${zip.length}`]);
    expect(past.headers.get('content-disposition')).toBeNull();

    expect((await anonymous.bytes(link, { 'If-None-Match': etag })).status).toBe(304);
    const withToken = await brand.client.bytes(`/api/v2/workorders/${workorder.id}/download/`);
    expect(withToken.data.equals(zip)).toBe(true);
  });

  test('the zip holds every code, the serial numbers match it, and a regeneration is byte-identical', async () => {
    const entries = await readZip(zip);
    const codes = (entries.get('codes.csv') as Buffer).toString('utf8').trimEnd().split('\n').slice(1);
    expect(codes).toHaveLength(QUANTITY);
    const serials = await brand.client.request('GET', `/api/v2/workorders/${workorder.id}/serial-numbers/`);
    expect(serials.status).toBe(200);
    expect(serials.text.trimEnd().split('\n').slice(1)).toEqual(
      codes.map((line) => {
        const [extendedId, serial] = line.split(',');
        return `${serial},${extendedId}`;
      }),
    );
    expect(sha256(await regenerateZip(stack.env, workorder.id))).toBe(sha256(zip));

    // A zip assembled before serial-number files existed: the API makes the file once, the same bytes.
    const file = path.join(s3.dir, 'workorders', 'workorders', String(workorder.id), 'serial-numbers.csv');
    fs.rmSync(file);
    const remade = await brand.client.request('GET', `/api/v2/workorders/${workorder.id}/serial-numbers/`);
    expect([remade.status, remade.text === serials.text, fs.existsSync(file)]).toEqual([200, true, true]);
  });

  test('with S3_PRESIGNED_DOWNLOADS the API redirects to a presigned link of the bucket', async () => {
    stack.killApi();
    stack.env.S3_PRESIGNED_DOWNLOADS = 'true';
    await stack.startApi();
    const res = await fetch(String(workorder.codegen_file), { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = res.headers.get('location') as string;
    expect(location.startsWith(`${s3.gateway.endpoint}/workorders/workorders/${workorder.id}/`)).toBe(true);
    const followed = await fetch(location);
    expect(followed.status).toBe(200);
    expect(followed.headers.get('content-disposition')).toBe(
      `attachment; filename="workorder-${workorder.id}.zip"`,
    );
    expect(Buffer.from(await followed.arrayBuffer()).equals(zip)).toBe(true);
  });
});
