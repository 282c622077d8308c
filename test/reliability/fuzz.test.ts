/**
 * Hostile input, generated: every route of the route table is sent malformed JSON, wrong types,
 * huge and negative numbers, overlong strings, unicode and control characters, path traversal in
 * ids, SQL metacharacters, oversized bodies and wrong content types — over 10,000 requests. Not one
 * may answer 5xx or show a stack trace, every answer must be one the OpenAPI document describes,
 * and the service must be alive and consistent afterwards.
 */
import fc from 'fast-check';
import { ROUTES } from '../../src/api/route-table';
import { PERMISSIONS } from '../../src/store/tokens';
import type { Page, Workorder } from '../support/api-client';
import { validatorFor } from '../support/openapi-validator';
import { Stack } from '../support/stack';

const REQUESTS = 10_500;
const CONCURRENCY = 16;
const SEED = Number(process.env.FUZZ_SEED ?? 20261121);
let stack: Stack;

beforeAll(async () => {
  stack = await (await Stack.create({ env: { THROTTLE_PER_MINUTE: '1000000' } })).start();
});

afterAll(async () => {
  await stack?.destroy();
});

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    "' OR '1'='1",
    '1; DROP TABLE workorders; --',
    '../../../etc/passwd',
    '..%2F..%2Fetc%2Fpasswd',
    '%00',
    '\u0000\u0001\u001f',
    '<script>alert(1)</script>',
    '${jndi:ldap://x}',
    '\u202e\ufeff\ud83d\ude00',
    'NaN',
    'Infinity',
    '-0',
    '1e309',
    '0x10',
    ' 12 ',
    '',
  ),
  fc.string({ minLength: 300, maxLength: 3000 }),
);
const hostileNumber = fc.oneof(
  fc.integer({ min: -1e12, max: 0 }),
  fc.integer({ min: 1, max: 40 }), // valid but small: real work stays light
  fc.constantFrom(10_000_001, 2 ** 53, 2 ** 64, 1e308, -1, 0, 0.5, 10.25),
  fc.double(),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(hostileString, hostileNumber), { maxLength: 3 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
);
const idSegment = fc.oneof(
  fc.integer({ min: 1, max: 5 }).map(String),
  fc.constantFrom(
    '0',
    '-1',
    '1.5',
    '99999999999999999999',
    '..',
    '%2e%2e',
    '%2F',
    'abc',
    "1'--",
    '1%00',
    '%E2%80%AE',
    '1e3',
  ),
  hostileString.map((s) => encodeURIComponent(s).slice(0, 200) || 'x'),
);

const routeFields = (schema: unknown): string[] =>
  schema && typeof schema === 'object' && 'shape' in schema
    ? Object.keys((schema as { shape: object }).shape)
    : [];

const request = fc.record({
  route: fc.constantFrom(...ROUTES),
  ids: fc.array(idSegment, { minLength: 2, maxLength: 2 }),
  auth: fc.oneof(
    { weight: 6, arbitrary: fc.constant('valid') },
    { weight: 1, arbitrary: fc.constant('none') },
    { weight: 1, arbitrary: hostileString.map((s) => `UAT ${s}`) },
  ),
  fields: fc.dictionary(fc.string({ maxLength: 12 }), hostileValue, { maxKeys: 3 }),
  known: fc.array(hostileValue, { minLength: 8, maxLength: 8 }),
  query: fc.array(fc.tuple(fc.string({ maxLength: 12 }), hostileString), { maxLength: 3 }),
  shape: fc.oneof(
    { weight: 10, arbitrary: fc.constant('json' as const) },
    { weight: 2, arbitrary: fc.constant('malformed' as const) },
    { weight: 2, arbitrary: fc.constant('wrong-type' as const) },
    { weight: 1, arbitrary: fc.constant('scalar' as const) },
  ),
  method: fc.oneof(
    { weight: 9, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'OPTIONS', 'PATCH') },
  ),
  idempotencyKey: fc.option(hostileString, { nil: undefined }),
});

type Sample = typeof request extends fc.Arbitrary<infer T> ? T : never;

function toHttp(
  sample: Sample,
  token: string,
): { method: string; url: string; headers: Record<string, string>; body?: string } {
  const { route } = sample;
  let n = 0;
  const path = route.path.replace(/:(\w+)/g, () => sample.ids[n++ % 2]);
  const query = new URLSearchParams();
  const queryFields = routeFields(route.query);
  sample.query.forEach(([k, v], i) => query.append(queryFields[i] ?? k, v));
  const headers: Record<string, string> = {};
  if (sample.auth === 'valid') headers.Authorization = `UAT ${token}`;
  else if (sample.auth !== 'none') headers.Authorization = sample.auth.replace(/[^\t\x20-\x7e]/g, '?');
  if (sample.idempotencyKey !== undefined)
    headers['Idempotency-Key'] = sample.idempotencyKey.replace(/[^\t\x20-\x7e]/g, '?');
  const method = sample.method ?? route.method.toUpperCase();
  let body: string | undefined;
  if (method !== 'GET') {
    const object: Record<string, unknown> = { ...sample.fields };
    routeFields(route.body).forEach((field, i) => (object[field] = sample.known[i]));
    if (sample.shape === 'json') body = JSON.stringify(object);
    if (sample.shape === 'malformed') body = JSON.stringify(object).slice(0, -1) + ',';
    if (sample.shape === 'scalar') body = JSON.stringify(sample.known[0] ?? 1);
    if (sample.shape === 'wrong-type') {
      body = 'a=1&b=2';
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    } else {
      headers['Content-Type'] = 'application/json';
    }
  }
  return { method, url: `${stack.baseUrl}${path}${query.size ? `?${query}` : ''}`, headers, body };
}

const STACK_TRACE = /\bat [\w.<>]+ \(|node_modules|\.ts:\d+|\.js:\d+:\d+|Error: /;

test(`${REQUESTS} hostile requests: no 5xx, no stack trace, answers as documented, and the service is fine after`, async () => {
  const brand = await stack.fixtures.brandOwner('Fuzz Brand', PERMISSIONS);
  const template = await stack.fixtures.sidTemplate(brand.company, 'T');
  const samples = fc.sample(request, { numRuns: REQUESTS, seed: SEED });
  const failures: string[] = [];
  const undocumented: string[] = [];
  const validator = await validatorFor(stack.baseUrl);
  const statuses = new Map<number, number>();
  let next = 0;
  const send = async (http: ReturnType<typeof toHttp>) => {
    const res = await fetch(http.url, { method: http.method, headers: http.headers, body: http.body });
    const text = await res.text();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    const contentType = res.headers.get('content-type');
    const problem = validator.problem({
      method: http.method,
      url: http.url,
      status: res.status,
      contentType,
      text,
    });
    if (problem) undocumented.push(problem);
    if (res.status >= 500 || STACK_TRACE.test(text)) {
      failures.push(
        `${http.method} ${http.url} ${JSON.stringify(http.body)?.slice(0, 300)} → ${res.status} ${text.slice(0, 300)}`,
      );
    }
  };
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < samples.length) await send(toHttp(samples[next++], brand.token));
    }),
  );
  // Oversized bodies and wrong content types on every route that takes a body.
  for (const route of ROUTES.filter((r) => r.method !== 'get')) {
    const url = `${stack.baseUrl}${route.path.replace(/:(\w+)/g, '1')}`;
    const auth = { Authorization: `UAT ${brand.token}` };
    await send({
      method: route.method.toUpperCase(),
      url,
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: `{"x":"${'y'.repeat(1_200_000)}"}`,
    });
    await send({
      method: route.method.toUpperCase(),
      url,
      headers: { ...auth, 'Content-Type': 'text/xml' },
      body: '<a/>',
    });
    await send({
      method: route.method.toUpperCase(),
      url,
      headers: { ...auth, 'Content-Type': 'multipart/form-data; boundary=x' },
      body: '--x\r\nbroken',
    });
  }
  console.log(`fuzz seed ${SEED}: statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
  expect(failures.slice(0, 10)).toEqual([]);
  expect(undocumented.slice(0, 10)).toEqual([]);
  expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(10_000);

  // Alive and consistent: health is fine, every listed workorder has its workflow, and a normal order completes.
  expect((await fetch(`${stack.baseUrl}/readyz`)).status).toBe(200);
  const list = await brand.client.get<Page<Workorder>>('/api/v2/workorders/?limit=1000');
  expect(list.status).toBe(200);
  for (const w of list.body.results) {
    const detail = await brand.client.get<Workorder>(`/api/v2/workorders/${w.id}/`);
    expect(detail.status).toBe(200);
    expect(detail.body.workflow_id).toBe(`workorder-${w.id}`);
  }
  const created = await brand.client.post<Workorder>('/api/v2/workorders/create-from-template/', {
    template: template.id,
    quantity: '3',
  });
  expect(created.status).toBe(201);
  await brand.client.waitFor(created.body.id, (w) => w.state === 'completed', 120_000);
}, 900_000);

/** One of each kind the text rules refuse (src/shared/text.ts); NUL is the one PostgreSQL rejects. */
const CONTROL_STRINGS = [
  'a\u0000b',
  'a\r\nb',
  'a\u001b[31mb',
  'a\u007fb',
  'a\u0085b',
  'a\u202eb',
  'a\u2067b',
];

test('control characters in every text field of every route: never a 5xx, a 400 where the field is read', async () => {
  const brand = await stack.fixtures.brandOwner('Control Brand', PERMISSIONS);
  const auth = { Authorization: `UAT ${brand.token}` };
  const failures: string[] = [];
  let refused = 0;
  for (const route of ROUTES) {
    const path = route.path.replace(/:(\w+)/g, '1');
    for (const field of [...routeFields(route.body), ...routeFields(route.query)]) {
      for (const value of CONTROL_STRINGS) {
        const inQuery = routeFields(route.query).includes(field);
        const url = `${stack.baseUrl}${path}${inQuery ? `?${new URLSearchParams({ [field]: value })}` : ''}`;
        const res = await fetch(url, {
          method: route.method.toUpperCase(),
          headers: { ...auth, ...(inQuery ? {} : { 'Content-Type': 'application/json' }) },
          body: inQuery || route.method === 'get' ? undefined : JSON.stringify({ [field]: value }),
        });
        const text = await res.text();
        if (res.status >= 500 || STACK_TRACE.test(text)) {
          failures.push(`${route.method} ${path} ${field}=${JSON.stringify(value)} → ${res.status} ${text}`);
        }
        if (res.status === 400) refused++;
      }
    }
  }
  expect(failures.slice(0, 10)).toEqual([]);
  expect(refused).toBeGreaterThan(0);
}, 300_000);
