/**
 * The HTTP contract (docs/product.md: HTTP conventions, Endpoints, The workorder object, Creating a
 * workorder, Lifecycle) for SID workorders, against the real API and worker processes:
 * auth, permissions, company scoping, error shapes, coercion, idempotency, lists, cancel and 503.
 */
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../src/free-port';
import { ApiClient, type Page, type Workorder } from '../support/api-client';
import type { Caller } from '../support/fixtures';
import { Stack } from '../support/stack';

let stack: Stack;
let acme: Caller;
let other: Caller;
let templateId: number;
let staticTemplateId: number;
let acmeWorkorder: Workorder;

const CREATE = '/api/v2/workorders/create-from-template/';

beforeAll(async () => {
  stack = await (await Stack.create()).start();
  acme = await stack.fixtures.brandOwner('Acme');
  other = await stack.fixtures.brandOwner('Other Brand');
  templateId = (await stack.fixtures.sidTemplate(acme.company, 'SID')).id;
  staticTemplateId = (await stack.fixtures.sidTemplate(acme.company, 'Static', { isStaticPrint: true })).id;
  const created = await acme.client.post<Workorder>(CREATE, {
    template: templateId,
    quantity: 20,
    reference: 'ACME-1',
  });
  expect(created.status).toBe(201);
  acmeWorkorder = created.body;
});

afterAll(async () => {
  await stack?.destroy();
});

describe('authentication and permissions', () => {
  const detail = `/api/v2/workorders/`;

  test('a missing, malformed, unknown or expired token is 401 with a detail', async () => {
    const anonymous = new ApiClient(stack.baseUrl, null);
    const missing = await anonymous.get(detail);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ detail: 'Authentication credentials were not provided.' });
    expect(missing.headers.get('x-request-id')).toBeTruthy();

    const malformed = await anonymous.get(detail, { Authorization: `Bearer ${acme.token}` });
    expect(malformed.status).toBe(401);
    expect(typeof malformed.body.detail).toBe('string');

    const unknown = await anonymous.get(detail, { Authorization: 'UAT uat_not_a_real_token' });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual({ detail: 'Invalid token.' });

    const { client: expiredClient } = await stack.fixtures.token(
      acme.company,
      ['workorder_view'],
      '2020-01-31T23:59:59.999Z',
    );
    const expired = await expiredClient.get(detail);
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ detail: 'Token has expired.' });
  });

  test('a valid token without the permission is 403', async () => {
    const { client } = await stack.fixtures.token(acme.company, ['workorder_view']);
    const res = await client.post(CREATE, { template: templateId, quantity: 1 });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ detail: 'You do not have permission to perform this action.' });
    expect((await client.get('/api/v2/workorders/')).status).toBe(200);
    expect((await client.post(`/api/v2/workorders/${acmeWorkorder.id}/cancel/`)).status).toBe(403);
  });

  test('me/ tells the company, the permissions and the expiry, never the token', async () => {
    const res = await acme.client.get('/api/v2/me/');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ company: { id: acme.company.id, name: 'Acme' }, expires: null });
    expect(res.text).not.toContain(acme.token);
  });

  test('printing partners cannot create workorders', async () => {
    const partner = await stack.fixtures.printingPartner('Printer', 'jobs@printer.example', [
      'workorder_create',
    ]);
    const res = await partner.client.post(CREATE, { template: templateId, quantity: 1 });
    expect(res.status).toBe(403);
  });
});

describe('company scoping', () => {
  test("another company's workorder is 404 Not found, on every endpoint", async () => {
    const { id } = acmeWorkorder;
    for (const [method, p] of [
      ['GET', `/api/v2/workorders/${id}/`],
      ['POST', `/api/v2/workorders/${id}/cancel/`],
      ['POST', `/api/v2/workorders/${id}/archive/`],
      ['GET', `/api/v2/workorders/${id}/download/`],
      ['GET', `/api/v2/workorders/${id}/serial-numbers/`],
    ] as const) {
      const res = await other.client.request(method, p);
      expect([method, p, res.status]).toEqual([method, p, 404]);
      expect(res.body).toEqual({ detail: 'Not found.' });
    }
    const list = await other.client.get<Page<Workorder>>('/api/v2/workorders/');
    expect(list.body.count).toBe(0);
  });

  test("another company's template is an invalid pk", async () => {
    const res = await other.client.post(CREATE, { template: templateId, quantity: 1 });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ template: [`Invalid pk "${templateId}" - object does not exist.`] });
  });

  test('ids that are not numbers are 404, never 500', async () => {
    for (const id of ['abc', '-1', '0', '1.5', '%2e%2e', '99999999999999999999']) {
      const res = await acme.client.get(`/api/v2/workorders/${id}/`);
      expect([id, res.status]).toEqual([id, 404]);
    }
  });
});

describe('validation errors keyed by field', () => {
  const cases: Array<[string, Record<string, unknown>, Record<string, string[]>]> = [
    ['quantity "10x"', { quantity: '10x' }, { quantity: ['A valid integer is required.'] }],
    ['quantity ""', { quantity: '' }, { quantity: ['A valid integer is required.'] }],
    ['quantity 10.5', { quantity: 10.5 }, { quantity: ['A valid integer is required.'] }],
    ['quantity -1', { quantity: -1 }, { quantity: ['Ensure this value is greater than or equal to 1.'] }],
    [
      'quantity too big',
      { quantity: '10000001' },
      { quantity: ['Ensure this value is less than or equal to 10000000.'] },
    ],
    ['quantity missing', { quantity: undefined }, { quantity: ['This field is required.'] }],
    ['quantity as object', { quantity: { n: 1 } }, { quantity: ['A valid integer is required.'] }],
    [
      'impossible date',
      { due_date: '2023-02-30' },
      { due_date: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'] },
    ],
    [
      'reference too long',
      { reference: 'x'.repeat(256) },
      { reference: ['Ensure this field has no more than 255 characters.'] },
    ],
    [
      'unknown partner',
      { printing_partner: 999999 },
      { printing_partner: ['Invalid pk "999999" - object does not exist.'] },
    ],
  ];
  test.each(cases)('%s', async (_name, patch, expected) => {
    const res = await acme.client.post(CREATE, { template: String(templateId), quantity: '5', ...patch });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(expected);
  });

  test('the template is required', async () => {
    const res = await acme.client.post(CREATE, { quantity: 1 });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ template: ['This field is required.'] });
  });

  test('total_impressions is only for static templates', async () => {
    const res = await acme.client.post(CREATE, { template: templateId, quantity: 1, total_impressions: '3' });
    expect(res.body).toEqual({ total_impressions: ['Only applicable to workorders of a static template.'] });
    const ok = await acme.client.post(CREATE, {
      template: staticTemplateId,
      quantity: 1,
      total_impressions: '3',
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ total_impressions: 3, is_static_print: true });
  });

  test('a duplicate reference is 400 on reference', async () => {
    const res = await acme.client.post(CREATE, { template: templateId, quantity: 1, reference: 'ACME-1' });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body)).toEqual(['reference']);
  });

  test('a reference is generated when absent', async () => {
    const res = await acme.client.post(CREATE, { template: templateId, quantity: 1 });
    expect(res.status).toBe(201);
    expect(res.body.reference).toMatch(/^WO-\d{8}-[0-9A-F]{8}$/);
  });

  test('unknown fields are ignored', async () => {
    const res = await acme.client.post(CREATE, { template: templateId, quantity: 1, colour: 'blue' });
    expect(res.status).toBe(201);
  });
});

describe('transport errors', () => {
  test('malformed JSON is 400 with a JSON parse error detail', async () => {
    const res = await acme.client.request('POST', CREATE, {
      body: '{"template": 1,',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(String(res.body.detail)).toMatch(/^JSON parse error - /);
  });

  test('a JSON list is not an object', async () => {
    const res = await acme.client.post(CREATE, [1, 2]);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
  });

  test('a body that is not JSON is 415', async () => {
    const res = await acme.client.request('POST', CREATE, {
      body: 'template=1',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(res.status).toBe(415);
    expect(typeof res.body.detail).toBe('string');
  });

  test('a body over 1 MiB is 413', async () => {
    const res = await acme.client.post(CREATE, {
      template: templateId,
      quantity: 1,
      remarks: 'x'.repeat(1_100_000),
    });
    expect(res.status).toBe(413);
  });

  test('a wrong method is 405; an unknown path 404; the trailing slash is optional', async () => {
    const wrong = await acme.client.get(CREATE);
    expect(wrong.status).toBe(405);
    expect(wrong.body).toEqual({ detail: 'Method "GET" not allowed.' });
    expect((await acme.client.get('/api/v2/nothing-here/')).status).toBe(404);
    expect((await acme.client.get('/api/v2/workorders')).status).toBe(200);
    expect((await acme.client.get(`/api/v2/workorders/${acmeWorkorder.id}`)).status).toBe(200);
  });

  test('health: /healthz is up, /readyz checks the database and Temporal', async () => {
    const health = await fetch(`${stack.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${stack.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ database: true, temporal: true });
  });

  test('the API reference is served: OpenAPI JSON and a browsable page with assets from npm', async () => {
    const schema = await fetch(`${stack.baseUrl}/api/schema/`);
    expect(schema.status).toBe(200);
    const doc = (await schema.json()) as { openapi: string; servers: Array<{ url: string }>; paths: object };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers[0].url).toBe(stack.baseUrl);
    expect(Object.keys(doc.paths)).toContain('/api/v2/workorders/create-from-template/');
    const page = await fetch(`${stack.baseUrl}/api/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//); // no CDN
    const csp = page.headers.get('content-security-policy');
    expect(csp).toContain("default-src 'self'");
    for (const asset of [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])) {
      const res = await fetch(`${stack.baseUrl}${asset}`);
      expect([asset, res.status, res.headers.get('content-security-policy')]).toEqual([asset, 200, csp]);
    }
    // Only the two Swagger UI files the page loads: not the package's stock index.html, nor the rest.
    for (const other of ['index.html', 'swagger-initializer.js', 'package.json', 'swagger-ui.js', '']) {
      expect([other, (await fetch(`${stack.baseUrl}/api/docs/assets/${other}`)).status]).toEqual([
        other,
        404,
      ]);
    }
  });

  test('the client request id is echoed back', async () => {
    const res = await acme.client.get('/api/v2/workorders/', { 'X-Request-Id': 'trace-me-123' });
    expect(res.headers.get('x-request-id')).toBe('trace-me-123');
  });
});

describe('Idempotency-Key', () => {
  test('the same key and body return the first response; another body is 422', async () => {
    const body = { template: templateId, quantity: '2', reference: 'IDEM-1' };
    const first = await acme.client.post(CREATE, body, { 'Idempotency-Key': 'key-1' });
    expect(first.status).toBe(201);
    const again = await acme.client.post(CREATE, body, { 'Idempotency-Key': 'key-1' });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const changed = await acme.client.post(
      CREATE,
      { ...body, quantity: '3' },
      { 'Idempotency-Key': 'key-1' },
    );
    expect(changed.status).toBe(422);
    // Keys are per company: another brand may use the same key.
    const foreign = await other.client.post(CREATE, body, { 'Idempotency-Key': 'key-1' });
    expect(foreign.status).toBe(400);
  });
});

describe('the legacy create-sid endpoint', () => {
  test('requires reference, quantity and activate_on_complete', async () => {
    const res = await acme.client.post('/api/v2/workorders/create-sid/', {});
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      reference: ['This field is required.'],
      quantity: ['This field is required.'],
      activate_on_complete: ['This field is required.'],
    });
  });

  test('creates a SID workorder that completes, with string booleans', async () => {
    const res = await acme.client.post<Workorder>('/api/v2/workorders/create-sid/', {
      reference: 'LEGACY-1',
      quantity: '3',
      activate_on_complete: 'false',
      use_serial_number: '0',
      due_date: '2030-01-31',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      type: 'SID',
      template: null,
      use_serial_number: false,
      activate_on_complete: false,
      due_date: '2030-01-31',
    });
    const done = await acme.client.waitFor(res.body.id, (w) => w.state === 'completed');
    expect(done.codegen_status).toBe(4);
    const serials = await acme.client.request('GET', `/api/v2/workorders/${res.body.id}/serial-numbers/`);
    expect(serials.text.split('\n')[1]).toMatch(/^,[0-9A-Z]{12}$/);
  });
});

describe('lists', () => {
  test('paginate with absolute next/previous links that keep the filters', async () => {
    for (const ref of ['LIST-A', 'LIST-B', 'LIST-C']) {
      expect(
        (
          await acme.client.post(CREATE, {
            template: templateId,
            quantity: 1,
            reference: ref,
            remarks: 'listed',
          })
        ).status,
      ).toBe(201);
    }
    const page1 = await acme.client.get<Page<Workorder>>('/api/v2/workorders/?search=LIST-&limit=2');
    expect(page1.body.count).toBe(3);
    expect(page1.body.results.map((w) => w.reference)).toEqual(['LIST-C', 'LIST-B']);
    expect(page1.body.previous).toBeNull();
    const next = new URL(String(page1.body.next));
    expect(next.origin).toBe(stack.baseUrl);
    expect(next.searchParams.get('search')).toBe('LIST-');
    expect(next.searchParams.get('offset')).toBe('2');
    const page2 = await acme.client.get<Page<Workorder>>(String(page1.body.next));
    expect(page2.body.results.map((w) => w.reference)).toEqual(['LIST-A']);
    expect(page2.body.next).toBeNull();
    expect(page2.body.previous).toContain('search=LIST-');

    const ascending = await acme.client.get<Page<Workorder>>('/api/v2/workorders/?search=list-&ordering=id');
    expect(ascending.body.results.map((w) => w.reference)).toEqual(['LIST-A', 'LIST-B', 'LIST-C']);
    const byRemarks = await acme.client.get<Page<Workorder>>('/api/v2/workorders/?search=listed');
    expect(byRemarks.body.count).toBe(3);
  });

  test('filter by state and reject bad parameters', async () => {
    await acme.client.waitFor(acmeWorkorder.id, (w) => w.state === 'completed');
    // Lists read the database, which the workflow updates right after its state changes.
    const url = '/api/v2/workorders/?state=completed&limit=1000';
    let completed = await acme.client.get<Page<Workorder>>(url);
    for (let i = 0; i < 40 && completed.body.results.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      completed = await acme.client.get(url);
    }
    expect(completed.body.results.length).toBeGreaterThan(0);
    expect(completed.body.results.every((w) => w.state === 'completed')).toBe(true);
    expect((await acme.client.get('/api/v2/workorders/?limit=0')).status).toBe(400);
    expect((await acme.client.get('/api/v2/workorders/?limit=1001')).status).toBe(400);
    expect((await acme.client.get('/api/v2/workorders/?ordering=name')).status).toBe(400);
    expect((await acme.client.get('/api/v2/workorders/?is_archived=maybe')).status).toBe(400);
  });
});

describe('cancel', () => {
  test('cancel during generation stops it, removes partial files, and is final', async () => {
    const created = await acme.client.post<Workorder>(CREATE, {
      template: templateId,
      quantity: 60_000,
      reference: 'CANCEL-ME',
    });
    expect(created.status).toBe(201);
    const { id } = created.body;
    await acme.client.waitFor(id, (w) => w.codegen_status === 6, 30_000);
    const res = await acme.client.post(`/api/v2/workorders/${id}/cancel/`, { reason: 'Wrong artwork' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id,
      state: 'canceled',
      cancel_reason: 'Wrong artwork',
      codegen_file: null,
    });

    const dir = path.join(stack.dataDir, 'artifacts', 'workorders', String(id));
    const deadline = Date.now() + 60_000;
    while (fs.existsSync(dir) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(fs.existsSync(dir)).toBe(false);

    const again = await acme.client.post(`/api/v2/workorders/${id}/cancel/`);
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ detail: expect.any(String), code: 'invalid_state' });
    expect((await acme.client.get(`/api/v2/workorders/${id}/download/`)).status).toBe(409);
    const detail = await acme.client.get(`/api/v2/workorders/${id}/`);
    expect(detail.body).toMatchObject({ state: 'canceled' });
    expect((await acme.client.post(`/api/v2/workorders/${id}/archive/`)).body).toMatchObject({
      is_archived: true,
    });
  });

  test('a completed workorder cannot be canceled; an active one cannot be archived', async () => {
    const created = await acme.client.post<Workorder>(CREATE, {
      template: templateId,
      quantity: 1,
      reference: 'DONE-1',
    });
    const { id } = created.body;
    await acme.client.waitFor(id, (w) => w.state === 'completed');
    const cancel = await acme.client.post(`/api/v2/workorders/${id}/cancel/`);
    expect(cancel.status).toBe(409);
    expect(cancel.body.code).toBe('invalid_state');

    const running = await acme.client.post(CREATE, {
      template: templateId,
      quantity: 30_000,
      reference: 'RUNNING-1',
    });
    const archive = await acme.client.post(`/api/v2/workorders/${running.body.id}/archive/`);
    expect(archive.status).toBe(409);
  });
});

describe('throttling', () => {
  test('over the per-token limit is 429 with Retry-After', async () => {
    const small = await Stack.create({ env: { THROTTLE_PER_MINUTE: '5' } });
    try {
      await small.startApi();
      const b = await small.fixtures.brandOwner('Busy Brand');
      for (let i = 0; i < 5; i++) expect((await b.client.get('/api/v2/workorders/')).status).toBe(200);
      const res = await b.client.get('/api/v2/workorders/');
      expect(res.status).toBe(429);
      expect(res.body).toEqual({
        detail: expect.stringMatching(/^Request was throttled\. Expected available in \d+ seconds\.$/),
        code: 'throttled',
      });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await small.destroy();
    }
  });
});

describe('when Temporal is unreachable', () => {
  test('create answers 503 with Retry-After and leaves no workorder behind', async () => {
    const deadPort = await freePort();
    const isolated = await Stack.create({ temporalAddress: `127.0.0.1:${deadPort}` });
    try {
      await isolated.startApi();
      const b = await isolated.fixtures.brandOwner('Offline Brand');
      const t = await isolated.fixtures.sidTemplate(b.company, 'T');
      const res = await b.client.post(CREATE, { template: t.id, quantity: 1, reference: 'OFFLINE' });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBeTruthy();
      expect(res.text).not.toMatch(/at .*\.js:\d+/);
      const list = await b.client.get<Page<Workorder>>('/api/v2/workorders/');
      expect(list.status).toBe(200);
      expect(list.body.count).toBe(0);
      const ready = await fetch(`${isolated.baseUrl}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ database: true, temporal: false });
    } finally {
      await isolated.destroy();
    }
  });
});
