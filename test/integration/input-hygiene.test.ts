/**
 * Text fields over real HTTP (real API, worker, Temporal, and SQLite or PostgreSQL): control and
 * bidi formatting characters are one 400 keyed by field on every database (a NUL is never a 500
 * from PostgreSQL), multi-line fields keep their line breaks, and the partner's email quotes them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page, Workorder } from '../support/api-client';
import type { Caller } from '../support/fixtures';
import { Stack } from '../support/stack';

const REFUSED = 'This field may not contain control characters or bidirectional formatting characters.';
const HOSTILE = ['A\u0000B', 'A\r\nB', 'A\u001b[2JB', 'A\u007fB', 'A\u009bB', 'A\u202eB', 'A\u2066B'];

let stack: Stack;
let brand: Caller;
let templateId: number;
let brandId: number;

beforeAll(async () => {
  stack = await (await Stack.create()).start();
  brand = await stack.fixtures.brandOwner('Hygiene Brand', [
    'workorder_view',
    'workorder_create',
    'workorder_cancel',
    'product_view',
    'product_create',
    'product_edit',
  ]);
  templateId = (await stack.fixtures.sidTemplate(brand.company, 'T')).id;
  brandId = (await stack.fixtures.brand(brand.company, 'B')).id;
}, 120_000);

afterAll(async () => {
  await stack?.destroy();
});

describe('single-line fields', () => {
  test.each(HOSTILE.map((v) => [JSON.stringify(v), v]))(
    'reference %s is 400 on create-from-template and create-sid',
    async (_name, value) => {
      const fromTemplate = await brand.client.post('/api/v2/workorders/create-from-template/', {
        template: templateId,
        quantity: 1,
        reference: value,
      });
      expect(fromTemplate.status).toBe(400);
      expect(fromTemplate.body).toEqual({ reference: [REFUSED] });
      const sid = await brand.client.post('/api/v2/workorders/create-sid/', {
        reference: value,
        quantity: 1,
        activate_on_complete: false,
      });
      expect(sid.status).toBe(400);
      expect(sid.body).toEqual({ reference: [REFUSED] });
    },
  );

  test('product sku, name and label refuse them; a product named by SKU with a NUL is a 400', async () => {
    const product = await brand.client.post('/api/v2/products/', {
      sku: 'S\u0000',
      name: 'N\u202e',
      label: 'L\n',
      brand_id: brandId,
    });
    expect(product.status).toBe(400);
    expect(product.body).toEqual({ sku: [REFUSED], name: [REFUSED], label: [REFUSED] });
    const order = await brand.client.post('/api/v2/workorders/create-sid/', {
      reference: 'by-sku',
      quantity: 1,
      activate_on_complete: false,
      product: 'SKU\u0000',
    });
    expect(order.status).toBe(400);
    expect(order.body).toEqual({ product: [REFUSED] });
  });

  test('search and sku__exact with a NUL are 400, not a database error', async () => {
    const search = await brand.client.get(`/api/v2/workorders/?search=${encodeURIComponent('a\u0000')}`);
    expect(search.status).toBe(400);
    expect(search.body).toEqual({ search: [REFUSED] });
    const sku = await brand.client.get(`/api/v2/products/?sku__exact=${encodeURIComponent('a\u0000')}`);
    expect(sku.status).toBe(400);
    expect(sku.body).toEqual({ sku__exact: [REFUSED] });
  });
});

describe('multi-line fields', () => {
  test('remarks keep line feeds and tabs (CR LF becomes LF) and refuse NUL and ESC', async () => {
    const kept = await brand.client.post<Workorder>('/api/v2/workorders/create-sid/', {
      reference: 'multi-line',
      quantity: 1,
      activate_on_complete: false,
      remarks: 'line one\r\nline\ttwo',
    });
    expect(kept.status).toBe(201);
    expect(kept.body.remarks).toBe('line one\nline\ttwo');
    const found = await brand.client.get<Page<Workorder>>('/api/v2/workorders/?search=line%20one');
    expect(found.body.results.map((w) => w.id)).toContain(kept.body.id);
    for (const remarks of ['a\u0000b', 'a\u001bb', 'a\u202eb']) {
      const refused = await brand.client.post('/api/v2/workorders/create-sid/', {
        reference: `refused-${remarks.charCodeAt(1)}`,
        quantity: 1,
        activate_on_complete: false,
        remarks,
      });
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({ remarks: [REFUSED] });
    }
  });

  test('a cancel reason with a NUL is 400; product descriptions keep their lines', async () => {
    const order = await brand.client.post<Workorder>('/api/v2/workorders/create-sid/', {
      reference: 'to-cancel',
      quantity: 1,
      activate_on_complete: false,
    });
    const cancel = await brand.client.post(`/api/v2/workorders/${order.body.id}/cancel/`, {
      reason: 'no\u0000',
    });
    expect(cancel.status).toBe(400);
    expect(cancel.body).toEqual({ reason: [REFUSED] });
    const product = await brand.client.post<{ description: string }>('/api/v2/products/', {
      sku: 'DESC-1',
      name: 'Described',
      brand_id: brandId,
      description: 'one\ntwo',
    });
    expect(product.status).toBe(201);
    expect(product.body.description).toBe('one\ntwo');
  });
});

describe('files under DATA_DIR', () => {
  test('what the API and the worker write is private to the service user (dirs 0700, files 0600)', async () => {
    const order = await brand.client.post<Workorder>('/api/v2/workorders/create-sid/', {
      reference: 'private-files',
      quantity: 2,
      activate_on_complete: false,
    });
    await brand.client.waitFor(order.body.id, (w) => w.state === 'completed');
    const seen: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        const mode = fs.statSync(full).mode & 0o777;
        seen.push(`${path.relative(stack.dataDir, full)} ${mode.toString(8)}`);
        if (entry.isDirectory()) walk(full);
      }
    };
    walk(path.join(stack.dataDir, 'artifacts'));
    walk(path.join(stack.dataDir, 'secrets'));
    expect(seen.some((line) => line.endsWith('.zip 600'))).toBe(true);
    expect(seen.filter((line) => !/ (600|700)$/.test(line))).toEqual([]);
    expect(fs.statSync(stack.dataDir).mode & 0o777).toBe(0o700);
  });
});
