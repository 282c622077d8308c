/**
 * The SID promise end to end, on real parts: a real Temporal dev server, the real worker and API
 * processes, a real SQLite file; the zip is opened and every QR image decoded back to its URL.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { isValidExtendedId } from '../../src/codes/alphabet';
import { DEFAULT_QR, renderQrPng } from '../../src/codes/qr';
import { workflowIdFor } from '../../src/shared/workorder';
import { ApiClient, type Page, type Workorder } from '../support/api-client';
import type { Caller } from '../support/fixtures';
import { decodeQrPng } from '../support/qr';
import { regenerateZip } from '../support/regenerate';
import { Stack } from '../support/stack';
import { readZip } from '../support/zip';

const QUANTITY = 12_345; // two batches: 10,000 + 2,345
const PREFIX = 'HTTPS://SCAN.EXAMPLE.ORG/Q/';

let stack: Stack;
let brand: Caller;
let templateId: number;
let workorder: Workorder;
let zipBytes: Buffer;
let entries: Map<string, Buffer>;

beforeAll(async () => {
  stack = await (await Stack.create()).start();
  brand = await stack.fixtures.brandOwner('Acme Brands');
  const template = await stack.fixtures.sidTemplate(brand.company, 'SID serialized', {
    urlPrefix: PREFIX,
    activateOnComplete: true,
  });
  templateId = template.id;
});

afterAll(async () => {
  await stack?.destroy();
});

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const csvRows = (b: Buffer) =>
  b
    .toString('utf8')
    .trimEnd()
    .split('\n')
    .map((line) => line.split(','));

describe('a SID workorder from template to zip', () => {
  test('templates are listed for the brand', async () => {
    const res = await brand.client.get<Page>('/api/v2/workorders/templates/');
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(1);
    expect(res.body.results[0]).toMatchObject({ id: templateId, code_layout: 'qr', url_prefix: PREFIX });
  });

  test('create-from-template accepts values sent as strings and answers 201 with a Location', async () => {
    const res = await brand.client.post<Workorder>('/api/v2/workorders/create-from-template/', {
      template: String(templateId),
      quantity: String(QUANTITY),
      reference: 'Workorder for product P2',
      remarks: 'first run',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`${stack.baseUrl}/api/v2/workorders/${res.body.id}/`);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(res.body).toMatchObject({
      state: 'new',
      codegen_status: 1,
      quantity: QUANTITY,
      reference: 'Workorder for product P2',
      type: 'SID',
      codegen_file: null,
      workflow_id: workflowIdFor(res.body.id),
      data: { remarks: 'first run', activate_on_complete: true, static_unique_codes_quantity: 0 },
      progress: { codes_generated: 0, batches_completed: 0, batches_total: 2 },
    });
    expect(res.body.company).toMatchObject({
      id: brand.company.id,
      name: 'Acme Brands',
      company_type: 'brand_owner',
    });
    expect(res.body.creation_date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    workorder = res.body;
  });

  test('polling shows generation and then completed with a codegen_file', async () => {
    const seen = new Set<string>();
    const done = await brand.client.waitFor(workorder.id, (w) => {
      seen.add(`${w.state}/${w.codegen_status}`);
      return w.state === 'completed' && typeof w.codegen_file === 'string';
    });
    expect(done).toMatchObject({
      state: 'completed',
      codegen_status: 4,
      progress: { codes_generated: QUANTITY, batches_completed: 2, batches_total: 2 },
    });
    expect(done.date_codes_completed).toEqual(expect.any(String));
    expect([...seen].every((s) => ['new/1', 'new/6', 'completed/4'].includes(s))).toBe(true);
    workorder = done;
  });

  test('the signed codegen_file link downloads the zip without a token, with ETag, HEAD and Range', async () => {
    const anonymous = new ApiClient(stack.baseUrl, null);
    const link = String(workorder.codegen_file);
    expect(link.startsWith(`${stack.baseUrl}/api/v2/workorders/${workorder.id}/download/?`)).toBe(true);
    const res = await anonymous.bytes(link);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toContain(`workorder-${workorder.id}.zip`);
    zipBytes = res.data;
    const etag = res.headers.get('etag');
    expect(etag).toBe(`"${sha256(zipBytes)}"`);

    const head = await fetch(link, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(zipBytes.length);

    const range = await anonymous.bytes(link, { Range: 'bytes=10-29' });
    expect(range.status).toBe(206);
    expect(range.data.equals(zipBytes.subarray(10, 30))).toBe(true);

    const cached = await anonymous.bytes(link, { 'If-None-Match': etag as string });
    expect(cached.status).toBe(304);

    const withToken = await brand.client.bytes(`/api/v2/workorders/${workorder.id}/download/`);
    expect(withToken.status).toBe(200);
    expect(withToken.data.equals(zipBytes)).toBe(true);
  });

  test('a tampered, foreign or expired link is refused', async () => {
    const anonymous = new ApiClient(stack.baseUrl, null);
    const link = new URL(String(workorder.codegen_file));
    const signature = link.searchParams.get('signature') as string;
    const altered = new URL(link);
    altered.searchParams.set(
      'signature',
      `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`,
    );
    expect((await anonymous.bytes(altered.toString())).status).toBe(403);
    const otherId = new URL(
      link.toString().replace(`/workorders/${workorder.id}/`, `/workorders/${Number(workorder.id) + 1}/`),
    );
    expect((await anonymous.bytes(otherId.toString())).status).toBe(403);
    const expired = new URL(link);
    expired.searchParams.set('expires', String(Math.floor(Date.now() / 1000) - 10));
    expect((await anonymous.bytes(expired.toString())).status).toBe(403);
    const bare = await anonymous.bytes(`/api/v2/workorders/${workorder.id}/download/`);
    expect(bare.status).toBe(401);
  });

  test('a token without workorder_download sees the plain download URL, which refuses it (403)', async () => {
    const viewer = await stack.fixtures.token(brand.company, ['workorder_view']);
    const seen = await viewer.client.get<Workorder>(`/api/v2/workorders/${workorder.id}/`);
    expect(seen.status).toBe(200);
    const plain = `${stack.baseUrl}/api/v2/workorders/${workorder.id}/download/`;
    expect(seen.body.codegen_file).toBe(plain);
    const listed = await viewer.client.get<Page>('/api/v2/workorders/');
    const inList = listed.body.results.find((w) => w.id === workorder.id);
    expect(inList?.codegen_file).toBe(plain);
    expect((await viewer.client.bytes(plain)).status).toBe(403);
    expect((await viewer.client.bytes(`/api/v2/workorders/${workorder.id}/serial-numbers/`)).status).toBe(
      403,
    );
    expect((await new ApiClient(stack.baseUrl, null).bytes(plain)).status).toBe(401);
  });

  test('the zip holds codes.csv, files.csv, manifest.json and one image per code', async () => {
    entries = await readZip(zipBytes);
    const names = [...entries.keys()];
    expect(names.slice(0, 3)).toEqual(['codes.csv', 'files.csv', 'manifest.json']);
    expect(names.filter((n) => n.startsWith('codes/') && n.endsWith('.png'))).toHaveLength(QUANTITY);
    expect(names).toHaveLength(QUANTITY + 3);
  });

  test('codes.csv has one valid, unique row per code in sequence order', () => {
    const rows = csvRows(entries.get('codes.csv') as Buffer);
    expect(rows[0]).toEqual([
      'extended_id',
      'serial_number',
      'sequence_number',
      'batch_number',
      'batch_sequence_number',
      'url',
    ]);
    const body = rows.slice(1);
    expect(body).toHaveLength(QUANTITY);
    const ids = new Set<string>();
    body.forEach(([extendedId, serial, sequence, batch, batchSequence, url], i) => {
      expect(isValidExtendedId(extendedId)).toBe(true);
      ids.add(extendedId);
      expect(Number(sequence)).toBe(i + 1);
      expect(Number(batch)).toBe(Math.floor(i / 10_000) + 1);
      expect(Number(batchSequence)).toBe((i % 10_000) + 1);
      expect(serial).toBe(String(i + 1).padStart(10, '0'));
      expect(url).toBe(`${PREFIX}${extendedId}`);
    });
    expect(ids.size).toBe(QUANTITY);
  });

  test("every image is its code URL's QR; a sample across both batches decodes back to the URL", () => {
    const codes = new Map(
      csvRows(entries.get('codes.csv') as Buffer)
        .slice(1)
        .map((r) => [r[1], r[5]]),
    );
    const files = csvRows(entries.get('files.csv') as Buffer);
    expect(files[0]).toEqual(['file', 'serial_number']);
    expect(files.slice(1)).toHaveLength(QUANTITY);
    files.slice(1).forEach(([file, serial], i) => {
      const png = entries.get(file) as Buffer;
      const url = codes.get(serial) as string;
      // Every image, byte for byte, is the renderer's QR of its URL (the renderer's output is decoded in unit tests).
      expect(png.equals(renderQrPng(url, DEFAULT_QR))).toBe(true);
      // jsQR needs ~20 ms an image, so a spread of them (and each batch's ends) is decoded here.
      if (i % 41 === 0 || i === 9_999 || i === 10_000 || i === QUANTITY - 1)
        expect(decodeQrPng(png)).toBe(url);
    });
  });

  test('the manifest describes the workorder and its hashes hold', () => {
    const manifest = JSON.parse((entries.get('manifest.json') as Buffer).toString('utf8'));
    expect(manifest).toMatchObject({
      format_version: 2,
      secure_graphic: null,
      workorder: {
        id: workorder.id,
        reference: 'Workorder for product P2',
        type: 'SID',
        quantity: QUANTITY,
        template: templateId,
      },
      codes: {
        url_prefix: PREFIX,
        extended_id_style: 'compact-12',
        key_id: 'k1',
        serial_range: { first: 1, last: QUANTITY },
      },
      qr: { error_correction: 'M', pixels_per_module: 4, quiet_zone_modules: 4 },
      printing: null,
      generator: { name: 'workorder-service' },
    });
    expect(manifest.files['codes.csv'].sha256).toBe(sha256(entries.get('codes.csv') as Buffer));
    expect(manifest.files['files.csv'].sha256).toBe(sha256(entries.get('files.csv') as Buffer));
    const lines = (entries.get('codes.csv') as Buffer).toString('utf8').split('\n').slice(1, -1);
    expect(manifest.batches).toEqual([
      {
        number: 1,
        first_sequence: 1,
        count: 10_000,
        sha256: sha256(
          lines
            .slice(0, 10_000)
            .map((l) => `${l}\n`)
            .join(''),
        ),
      },
      {
        number: 2,
        first_sequence: 10_001,
        count: 2_345,
        sha256: sha256(
          lines
            .slice(10_000)
            .map((l) => `${l}\n`)
            .join(''),
        ),
      },
    ]);
    expect(JSON.stringify(manifest)).not.toMatch(/code-key|secret/i);
  });

  test('regenerating the same workorder gives a byte-identical zip', async () => {
    const again = await regenerateZip(stack.env, workorder.id);
    expect(sha256(again)).toBe(sha256(zipBytes));
  });

  test('serial-numbers/ is the CSV serial_number,extended_id', async () => {
    const res = await brand.client.request('GET', `/api/v2/workorders/${workorder.id}/serial-numbers/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = res.text.trimEnd().split('\n');
    expect(lines[0]).toBe('serial_number,extended_id');
    const codes = csvRows(entries.get('codes.csv') as Buffer).slice(1);
    expect(lines.slice(1)).toEqual(codes.map((r) => `${r[1]},${r[0]}`));
  });

  test('archive closes the workflow; the record stays readable and leaves the default list', async () => {
    const res = await brand.client.post(`/api/v2/workorders/${workorder.id}/archive/`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: workorder.id, is_archived: true, state: 'completed' });

    await stack.temporal(async (client) => {
      const handle = client.workflow.getHandle(workflowIdFor(workorder.id));
      await handle.result();
      const description = await handle.describe();
      expect(description.status.name).toBe('COMPLETED');
      expect(description.searchAttributes.WorkorderArchived).toEqual([true]);
      expect(description.searchAttributes.WorkorderState).toEqual(['completed']);
      // The company's fairness key, which its activities inherit (docs/performance.md, Fair scheduling).
      expect(description.raw.workflowExecutionInfo?.priority?.fairnessKey).toBe(
        `company-${brand.company.id}`,
      );
      if (process.env.RECORD_HISTORIES === '1') {
        const history = await handle.fetchHistory();
        const file = path.resolve(__dirname, '../histories/sid-complete.json');
        fs.writeFileSync(file, historyToJSON(history));
      }
    });

    const detail = await brand.client.get(`/api/v2/workorders/${workorder.id}/`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ is_archived: true, state: 'completed', codegen_status: 4 });
    const active = await brand.client.get<Page<Workorder>>('/api/v2/workorders/');
    expect(active.body.count).toBe(0);
    const archived = await brand.client.get<Page<Workorder>>('/api/v2/workorders/?is_archived=1');
    expect(archived.body.results.map((w) => w.id)).toEqual([workorder.id]);

    const again = await brand.client.post(`/api/v2/workorders/${workorder.id}/archive/`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'invalid_state' });
  });
});
