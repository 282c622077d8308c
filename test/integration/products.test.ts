/**
 * The products and brands API as brand upload handlers use it (seed "Upload Products"), on the real
 * API and worker processes: brands, one POST per product with string values, sku__exact
 * lookups, PATCH, multipart images served back by URL, archive, and products on workorders.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ApiClient, type Json, type Page, type Workorder } from '../support/api-client';
import { ALL_WORKORDER_PERMISSIONS, PRODUCT_PERMISSIONS, type Caller } from '../support/fixtures';
import { Stack } from '../support/stack';
import { prevalidate, uploadProducts } from '../support/upload-handler';
import { readZip } from '../support/zip';
import { jpeg, paddedPng, png, webp } from '../support/images';

const SEED_PRODUCT_KEYS = [
  'id',
  'uuid',
  'sku',
  'image',
  'name',
  'description',
  'label',
  'brand',
  'company',
  'brand_id',
  'creation_date',
  'client_url',
  'is_archived',
  'code_count',
  'active_code_count',
  'blacklisted_code_count',
  'campaign',
];

let stack: Stack;
let acme: Caller;
let other: Caller;
let acmeBrandId: number;
let otherBrandId: number;

/** The body as the seed prints it, re-serialized compactly: what the API must send byte for byte. */
const seedBody = (text: string) => JSON.stringify(JSON.parse(text));

function expectError(res: { status: number; text: string; body: unknown }, status: number, seedText: string) {
  expect(res.status).toBe(status);
  expect(res.text).toBe(seedBody(seedText));
  expect(JSON.stringify(res.body)).toBe(seedBody(seedText));
}

async function sendForm(client: ApiClient, method: string, urlPath: string, form: FormData) {
  const res = await fetch(`${stack.baseUrl}${urlPath}`, {
    method,
    headers: { Authorization: `UAT ${client.token}` },
    body: form,
  });
  const text = await res.text();
  let body: Json | undefined;
  try {
    body = JSON.parse(text) as Json;
  } catch {
    body = undefined;
  }
  return { status: res.status, text, body: body as Json };
}

function imageForm(data: Buffer, filename: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('image', new Blob([new Uint8Array(data)]), filename);
  return form;
}

const lookup = (client: ApiClient, sku: string) =>
  client.get<Page>(`/api/v2/products/?sku__exact=${encodeURIComponent(sku)}`);

beforeAll(async () => {
  stack = await (await Stack.create()).start();
  const { fixtures } = stack;
  acme = await fixtures.brandOwner('Acme Foods', [...ALL_WORKORDER_PERMISSIONS, ...PRODUCT_PERMISSIONS]);
  other = await fixtures.brandOwner('Other Co', [...ALL_WORKORDER_PERMISSIONS, ...PRODUCT_PERMISSIONS]);
  acmeBrandId = (await fixtures.brand(acme.company, 'Acme Snacks')).id;
  otherBrandId = (await fixtures.brand(other.company, 'Other')).id;
  await fixtures.brand(acme.company, 'Acme Drinks');
});

afterAll(async () => {
  await stack?.destroy();
});

describe('GET /api/v2/brands/', () => {
  test("lists the company's brands only, paginated, newest first", async () => {
    const res = await acme.client.get<Page>('/api/v2/brands/?limit=1');
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(2);
    expect(res.body.results[0]).toMatchObject({ name: 'Acme Drinks', image: null });
    expect(res.body.next).toBe(`${stack.baseUrl}/api/v2/brands/?limit=1&offset=1`);
    const others = await other.client.get<Page>('/api/v2/brands/');
    expect(others.body.results.map((b) => b.id)).toEqual([otherBrandId]);
  });

  test('needs product_view', async () => {
    const workordersOnly = await stack.fixtures.brandOwner('Workorders Only');
    expect((await workordersOnly.client.get('/api/v2/brands/')).status).toBe(403);
    expect((await new ApiClient(stack.baseUrl, null).get('/api/v2/brands/')).status).toBe(401);
  });
});

describe('the upload handler of the seed', () => {
  const records = () => [
    {
      sku: 'PR1',
      brand_id: acmeBrandId,
      name: 'Product One',
      description: 'The first product.',
      client_url: 'http://www.examplebrand.com/productone',
    },
    { sku: 'PR2', brand_id: acmeBrandId, name: 'Product Two', description: '', client_url: '' },
    { sku: 'PR3', brand_id: acmeBrandId, name: 'Product Three', description: 'Third', client_url: '' },
  ];

  test('pre-validation catches missing fields, uneven rows, duplicate and blank SKUs', () => {
    expect(prevalidate(records())).toEqual([]);
    const bad = [
      { sku: 'A', brand_id: 1, name: 'x' },
      { sku: 'A', brand_id: 1, name: 'y' },
      { sku: ' ', brand_id: 1, name: 'z' },
      { sku: 'B', name: 'w' },
    ];
    expect(prevalidate(bad)).toEqual([
      'row 2: duplicate SKU "A"',
      'row 3: blank SKU',
      'row 4: missing field "brand_id"',
      'row 4: 2 fields, expected 3',
    ]);
  });

  test('uploads one product per POST with string values, and a re-run posts nothing', async () => {
    const logFile = path.join(stack.dataDir, 'uploaded-skus.log');
    const first = await uploadProducts(acme.client, records(), logFile);
    expect(first).toEqual({ uploaded: ['PR1', 'PR2', 'PR3'], skipped: [], failed: [], posts: 3 });
    expect(fs.readFileSync(logFile, 'utf8')).toBe('PR1\nPR2\nPR3\n');

    const again = await uploadProducts(acme.client, records(), logFile);
    expect(again).toEqual({ uploaded: [], skipped: ['PR1', 'PR2', 'PR3'], failed: [], posts: 0 });
    const list = await acme.client.get<Page>('/api/v2/products/');
    expect(list.body.count).toBe(3);
  });

  test('a lost log file does not make duplicates: the API refuses the SKUs again', async () => {
    const report = await uploadProducts(
      acme.client,
      records().slice(0, 1),
      path.join(stack.dataDir, 'fresh.log'),
    );
    expect(report.failed).toEqual([
      { sku: 'PR1', status: 400, body: { sku: ['SKU must be unique within this company.'] } },
    ]);
    expect((await acme.client.get<Page>('/api/v2/products/')).body.count).toBe(3);
  });
});

describe('POST /api/v2/products/', () => {
  test("answers 201 with the seed's fields, values sent as strings", async () => {
    const res = await acme.client.post('/api/v2/products/', {
      sku: 'PIG12345',
      brand_id: String(acmeBrandId),
      name: 'Hello Name',
      description: 'This is a test',
      label: 'Test',
      client_url: 'http://www.scantrust.com',
      campaign: null,
      unknown_field: 'ignored',
    });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(SEED_PRODUCT_KEYS);
    expect(res.headers.get('location')).toBe(`${stack.baseUrl}/api/v2/products/${res.body.id}/`);
    expect(res.body).toMatchObject({
      sku: 'PIG12345',
      image: null,
      name: 'Hello Name',
      description: 'This is a test',
      label: 'Test',
      brand: { id: acmeBrandId, name: 'Acme Snacks', image: null },
      company: { id: acme.company.id, uuid: acme.company.uuid, name: 'Acme Foods' },
      brand_id: acmeBrandId,
      client_url: 'http://www.scantrust.com',
      is_archived: false,
      campaign: null,
      code_count: 0,
      active_code_count: 0,
      blacklisted_code_count: 0,
    });
    expect(res.body.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(String(res.body.creation_date)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  test('accepts `brand` for `brand_id`, JSON numbers, and label defaults to the name', async () => {
    const res = await acme.client.post('/api/v2/products/', {
      sku: 777,
      brand: acmeBrandId,
      name: 'Numbers',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      sku: '777',
      brand_id: acmeBrandId,
      label: 'Numbers',
      description: '',
      client_url: '',
    });
  });

  test("a duplicate SKU is the seed's 400, byte for byte", async () => {
    const res = await acme.client.post('/api/v2/products/', {
      sku: 'PR1',
      brand_id: String(acmeBrandId),
      name: 'Again',
    });
    expectError(res, 400, '{ "sku": ["SKU must be unique within this company."] }');
  });

  test("an unknown or another company's brand is the seed's invalid pk, with the id as sent", async () => {
    const unknown = await acme.client.post('/api/v2/products/', { sku: 'N1', brand_id: '686', name: 'x' });
    expectError(unknown, 400, '{\n  "brand_id": ["Invalid pk \\"686\\" - object does not exist."]\n}');
    const foreign = await acme.client.post('/api/v2/products/', {
      sku: 'N1',
      brand_id: otherBrandId,
      name: 'x',
    });
    expectError(foreign, 400, `{"brand_id": ["Invalid pk \\"${otherBrandId}\\" - object does not exist."]}`);
    const alias = await acme.client.post('/api/v2/products/', { sku: 'N1', brand: '686', name: 'x' });
    expectError(alias, 400, '{"brand": ["Invalid pk \\"686\\" - object does not exist."]}');
  });

  test('missing and blank required fields are named, each with its message', async () => {
    const missing = await acme.client.post('/api/v2/products/', {});
    expectError(
      missing,
      400,
      '{"sku": ["This field is required."], "brand_id": ["This field is required."], "name": ["This field is required."]}',
    );
    const blank = await acme.client.post('/api/v2/products/', { sku: ' ', brand_id: '', name: '' });
    expectError(
      blank,
      400,
      '{"sku": ["This field may not be blank."], "brand_id": ["This field may not be blank."], "name": ["This field may not be blank."]}',
    );
  });

  test('a campaign cannot be named (there are none); null is accepted', async () => {
    const res = await acme.client.post('/api/v2/products/', {
      sku: 'C1',
      brand_id: acmeBrandId,
      name: 'x',
      campaign: '575',
    });
    expectError(res, 400, '{"campaign": ["Invalid pk \\"575\\" - object does not exist."]}');
  });

  test('other bad values: a client_url that is no URL, a list body, a body that is not JSON', async () => {
    const url = await acme.client.post('/api/v2/products/', {
      sku: 'U1',
      brand_id: acmeBrandId,
      name: 'x',
      client_url: 'nope',
    });
    expectError(url, 400, '{"client_url": ["Enter a valid URL."]}');
    const list = await acme.client.post('/api/v2/products/', [{ sku: 'L1' }]);
    expectError(list, 400, '{"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}');
    const plain = await acme.client.request('POST', '/api/v2/products/', {
      body: 'sku=1',
      headers: { 'Content-Type': 'text/plain' },
    });
    expectError(plain, 415, '{"detail": "Unsupported media type \\"text/plain\\" in request."}');
    const big = await acme.client.post('/api/v2/products/', {
      sku: 'BIG',
      brand_id: acmeBrandId,
      name: 'x',
      description: 'x'.repeat(1_100_000),
    });
    expect(big.status).toBe(413);
  });

  test('concurrent POSTs of one SKU: exactly one 201, the others the 400, never a 5xx', async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        acme.client.post('/api/v2/products/', { sku: 'RACE-1', brand_id: String(acmeBrandId), name: 'Race' }),
      ),
    );
    expect(answers.filter((r) => r.status === 201)).toHaveLength(1);
    const losers = answers.filter((r) => r.status !== 201);
    expect(losers).toHaveLength(9);
    for (const r of losers) expectError(r, 400, '{"sku": ["SKU must be unique within this company."]}');
    expect((await lookup(acme.client, 'RACE-1')).body.count).toBe(1);
  });

  test('a printing partner cannot create products, and sees none', async () => {
    const { client } = await stack.fixtures.printingPartner(
      'Print Partner',
      'jobs@print-partner.example',
      PRODUCT_PERMISSIONS,
    );
    const post = await client.post('/api/v2/products/', { sku: 'P1', brand_id: acmeBrandId, name: 'x' });
    expectError(post, 403, '{"detail": "Only brand owners can create products."}');
    expect((await client.get<Page>('/api/v2/products/')).body.count).toBe(0);
    expect((await client.get<Page>('/api/v2/brands/')).body.count).toBe(0);
  });

  test('a token without product_create is 403', async () => {
    const { client } = await stack.fixtures.token(acme.company, ['product_view']);
    expect(
      (await client.post('/api/v2/products/', { sku: 'V1', brand_id: acmeBrandId, name: 'x' })).status,
    ).toBe(403);
    expect((await client.get('/api/v2/products/')).status).toBe(200);
  });
});

describe('GET /api/v2/products/', () => {
  test("?sku__exact= finds the one product, in the seed's list envelope with code counts", async () => {
    const res = await lookup(acme.client, 'PR2');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ count: 1, next: null, previous: null });
    expect(Object.keys(res.body.results[0])).toEqual(SEED_PRODUCT_KEYS);
    expect(res.body.results[0]).toMatchObject({
      sku: 'PR2',
      name: 'Product Two',
      code_count: 0,
      active_code_count: 0,
      blacklisted_code_count: 0,
    });
  });

  test("an unknown SKU is the seed's empty list; sku__exact is exact", async () => {
    expect((await lookup(acme.client, 'NOPE')).text).toBe(
      seedBody('{"count": 0, "next": null, "previous": null, "results": []}'),
    );
    expect((await lookup(acme.client, 'pr2')).body.count).toBe(0);
    expect((await lookup(other.client, 'PR2')).body.count).toBe(0);
  });

  test('search, ordering and pagination', async () => {
    const search = await acme.client.get<Page>('/api/v2/products/?search=third');
    expect(search.body.results.map((p) => p.sku)).toEqual(['PR3']);
    const asc = await acme.client.get<Page>('/api/v2/products/?ordering=id&limit=2');
    expect(asc.body.results.map((p) => p.sku)).toEqual(['PR1', 'PR2']);
    expect(asc.body.next).toBe(`${stack.baseUrl}/api/v2/products/?ordering=id&limit=2&offset=2`);
    const bad = await acme.client.get('/api/v2/products/?ordering=sku');
    expectError(bad, 400, '{"ordering": ["Select a valid choice."]}');
  });

  test("GET by id; another company's product is 404", async () => {
    const pr1 = (await lookup(acme.client, 'PR1')).body.results[0];
    const res = await acme.client.get(`/api/v2/products/${pr1.id}/`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(pr1);
    expectError(await other.client.get(`/api/v2/products/${pr1.id}/`), 404, '{"detail": "Not found."}');
    expectError(
      await other.client.patch(`/api/v2/products/${pr1.id}/`, { name: 'x' }),
      404,
      '{"detail": "Not found."}',
    );
    expect((await acme.client.get('/api/v2/products/abc/')).status).toBe(404);
  });
});

describe('PATCH /api/v2/products/{id}/', () => {
  test('changes only the fields sent', async () => {
    const before = (await lookup(acme.client, 'PR1')).body.results[0];
    const res = await acme.client.patch(`/api/v2/products/${before.id}/`, {
      description: 'The first product in a line of many others.',
      client_url: 'http://www.examplebrand.com/productone',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...before,
      description: 'The first product in a line of many others.',
      client_url: 'http://www.examplebrand.com/productone',
    });
  });

  test('a SKU taken by another product is the same 400; its own SKU is fine', async () => {
    const pr2 = (await lookup(acme.client, 'PR2')).body.results[0];
    expectError(
      await acme.client.patch(`/api/v2/products/${pr2.id}/`, { sku: 'PR1' }),
      400,
      '{"sku": ["SKU must be unique within this company."]}',
    );
    expect((await acme.client.patch(`/api/v2/products/${pr2.id}/`, { sku: 'PR2' })).status).toBe(200);
    expectError(
      await acme.client.patch(`/api/v2/products/${pr2.id}/`, { brand_id: '686' }),
      400,
      '{"brand_id": ["Invalid pk \\"686\\" - object does not exist."]}',
    );
  });
});

describe('product images', () => {
  test('a PNG uploaded by multipart PATCH is served back by its URL, without a token', async () => {
    const pr1 = (await lookup(acme.client, 'PR1')).body.results[0];
    const res = await sendForm(
      acme.client,
      'PATCH',
      `/api/v2/products/${pr1.id}/`,
      imageForm(png, 'image.jpeg'),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...pr1,
      image: expect.stringMatching(
        new RegExp(`^${stack.baseUrl}/media/products/${String(pr1.uuid)}/[0-9a-f]{32}\\.png$`),
      ),
    });
    const image = await new ApiClient(stack.baseUrl, null).bytes(String(res.body.image));
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
    expect(image.data.equals(png)).toBe(true);
  });

  test('JPEG and WebP are told apart by their bytes; a new image replaces the old URL', async () => {
    const pr2 = (await lookup(acme.client, 'PR2')).body.results[0];
    const first = await sendForm(
      acme.client,
      'PATCH',
      `/api/v2/products/${pr2.id}/`,
      imageForm(jpeg, 'x.png'),
    );
    expect(String(first.body.image)).toMatch(/\.jpg$/);
    expect((await fetch(String(first.body.image))).headers.get('content-type')).toBe('image/jpeg');
    const second = await sendForm(
      acme.client,
      'PATCH',
      `/api/v2/products/${pr2.id}/`,
      imageForm(webp, 'x.bin', { description: 'with webp' }),
    );
    expect(second.body).toMatchObject({ description: 'with webp', image: expect.stringMatching(/\.webp$/) });
    expect((await fetch(String(second.body.image))).headers.get('content-type')).toBe('image/webp');
    expect((await fetch(String(first.body.image))).status).toBe(404);
    const cleared = await acme.client.patch(`/api/v2/products/${pr2.id}/`, { image: null });
    expect(cleared.body.image).toBeNull();
    expect((await fetch(String(second.body.image))).status).toBe(404);
  });

  test('POST as multipart, with string fields and an image', async () => {
    const form = imageForm(png, 'qr.png', {
      sku: 'MP1',
      brand_id: String(acmeBrandId),
      name: 'Multipart One',
    });
    const res = await sendForm(acme.client, 'POST', '/api/v2/products/', form);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      sku: 'MP1',
      name: 'Multipart One',
      image: expect.stringMatching(/\.png$/),
    });
    const dup = await sendForm(
      acme.client,
      'POST',
      '/api/v2/products/',
      imageForm(png, 'qr.png', { sku: 'MP1', brand_id: String(acmeBrandId), name: 'x' }),
    );
    expectError(dup, 400, '{"sku": ["SKU must be unique within this company."]}');
  });

  test('what is not a PNG, JPEG or WebP is refused with the image error', async () => {
    const pr3 = (await lookup(acme.client, 'PR3')).body.results[0];
    const gif = await sendForm(
      acme.client,
      'PATCH',
      `/api/v2/products/${pr3.id}/`,
      imageForm(Buffer.from('GIF89a....'), 'x.png'),
    );
    expectError(
      gif,
      400,
      '{"image": ["Upload a valid image. The file you uploaded was either not an image or a corrupted image."]}',
    );
    const text = await acme.client.patch(`/api/v2/products/${pr3.id}/`, {
      image: 'http://example.com/a.png',
    });
    expectError(
      text,
      400,
      '{"image": ["The submitted data was not a file. Check the encoding type on the form."]}',
    );
    expect((await acme.client.get(`/api/v2/products/${pr3.id}/`)).body.image).toBeNull();
  });

  test('an image signature in front of HTML, or a file in another field, is refused', async () => {
    const pr3 = (await lookup(acme.client, 'PR3')).body.results[0];
    const html = Buffer.concat([png.subarray(0, 8), Buffer.from('<html><script>alert(1)</script></html>')]);
    expectError(
      await sendForm(acme.client, 'PATCH', `/api/v2/products/${pr3.id}/`, imageForm(html, 'x.png')),
      400,
      '{"image": ["Upload a valid image. The file you uploaded was either not an image or a corrupted image."]}',
    );
    const form = imageForm(png, 'qr.png');
    form.append('attachment', new Blob([new Uint8Array(png)]), 'extra.png');
    expectError(
      await sendForm(acme.client, 'PATCH', `/api/v2/products/${pr3.id}/`, form),
      400,
      '{"non_field_errors": ["Only one file may be uploaded, in the field \\"image\\"."]}',
    );
    expect((await acme.client.get(`/api/v2/products/${pr3.id}/`)).body.image).toBeNull();
  });

  test('an image over 10 MiB is 413; multipart elsewhere is 415', async () => {
    const pr3 = (await lookup(acme.client, 'PR3')).body.results[0];
    const huge = paddedPng(10 * 1024 * 1024 + 1);
    const res = await sendForm(
      acme.client,
      'PATCH',
      `/api/v2/products/${pr3.id}/`,
      imageForm(huge, 'big.png'),
    );
    expect(res.status).toBe(413);
    expect((await acme.client.get(`/api/v2/products/${pr3.id}/`)).body.image).toBeNull();
    const justUnder = paddedPng(10 * 1024 * 1024);
    expect(
      (await sendForm(acme.client, 'PATCH', `/api/v2/products/${pr3.id}/`, imageForm(justUnder, 'ok.png')))
        .status,
    ).toBe(200);
    const tooBig = paddedPng(12 * 1024 * 1024);
    expect(
      (await sendForm(acme.client, 'PATCH', `/api/v2/products/${pr3.id}/`, imageForm(tooBig, 'b.png')))
        .status,
    ).toBe(413);
    const broken = await acme.client.request('PATCH', `/api/v2/products/${pr3.id}/`, {
      body: '--xyz\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\n\r\nabc',
      headers: { 'Content-Type': 'multipart/form-data; boundary=xyz' },
    });
    expectError(broken, 400, '{"detail": "Multipart form parse error - Unexpected end of form"}');
    const elsewhere = await sendForm(
      acme.client,
      'POST',
      '/api/v2/workorders/create-sid/',
      imageForm(png, 'x.png'),
    );
    expect(elsewhere.status).toBe(415);
  });

  test('an unknown image path is 404', async () => {
    expect(
      (
        await fetch(
          `${stack.baseUrl}/media/products/00000000-0000-4000-8000-000000000000/${'0'.repeat(32)}.png`,
        )
      ).status,
    ).toBe(404);
    expect((await fetch(`${stack.baseUrl}/media/products/x/..%2F..%2Fsecrets`)).status).toBe(404);
  });
});

describe('DELETE /api/v2/products/{id}/', () => {
  test('archives the product (204); lists hide it unless is_archived=1; its SKU stays taken', async () => {
    const pr3 = (await lookup(acme.client, 'PR3')).body.results[0];
    expect((await fetch(String(pr3.image))).status).toBe(200);
    const res = await acme.client.request('DELETE', `/api/v2/products/${pr3.id}/`);
    expect(res.status).toBe(204);
    // An archived product's image is no longer served.
    expect((await fetch(String(pr3.image))).status).toBe(404);
    expect(res.text).toBe('');
    expect((await acme.client.get(`/api/v2/products/${pr3.id}/`)).body.is_archived).toBe(true);
    expect((await lookup(acme.client, 'PR3')).body.count).toBe(0);
    const archived = await acme.client.get<Page>('/api/v2/products/?is_archived=1&sku__exact=PR3');
    expect(archived.body.results.map((p) => p.id)).toEqual([pr3.id]);
    expect((await acme.client.get<Page>('/api/v2/products/?is_archived=true')).body.count).toBe(1);
    expectError(
      await acme.client.post('/api/v2/products/', { sku: 'PR3', brand_id: acmeBrandId, name: 'x' }),
      400,
      '{"sku": ["SKU must be unique within this company."]}',
    );
    expectError(
      await acme.client.post('/api/v2/workorders/create-sid/', {
        reference: 'archived',
        quantity: 1,
        activate_on_complete: true,
        product: 'PR3',
      }),
      400,
      '{"product": ["Invalid product \\"PR3\\" - no product with this id or SKU."]}',
    );
    expect((await other.client.request('DELETE', `/api/v2/products/${pr3.id}/`)).status).toBe(404);
  });
});

describe('products on workorders', () => {
  test('a workorder names its product by SKU or id; the workorder shows the product and its brand', async () => {
    const pr1 = (await lookup(acme.client, 'PR1')).body.results[0];
    const sid = await acme.client.post<Workorder>('/api/v2/workorders/create-sid/', {
      reference: 'with product',
      quantity: '3',
      activate_on_complete: 'true',
      product: 'PR1',
    });
    expect(sid.status).toBe(201);
    expect(sid.body.brand).toEqual({ id: acmeBrandId, name: 'Acme Snacks', image: null });
    expect(sid.body.product).toMatchObject({
      id: pr1.id,
      sku: 'PR1',
      name: 'Product One',
      brand_id: acmeBrandId,
      image: pr1.image,
    });

    const template = await stack.fixtures.sidTemplate(acme.company, 'SID');
    const byId = await acme.client.post<Workorder>('/api/v2/workorders/create-from-template/', {
      template: template.id,
      quantity: 2,
      product: pr1.id,
    });
    expect(byId.status).toBe(201);
    expect(byId.body.product).toMatchObject({ id: pr1.id, sku: 'PR1' });

    expectError(
      await acme.client.post('/api/v2/workorders/create-sid/', {
        reference: 'x',
        quantity: 1,
        activate_on_complete: true,
        product: 'MISSING',
      }),
      400,
      '{"product": ["Invalid product \\"MISSING\\" - no product with this id or SKU."]}',
    );
    const foreign = await other.client.post('/api/v2/workorders/create-sid/', {
      reference: 'x',
      quantity: 1,
      activate_on_complete: true,
      product: pr1.id,
    });
    expect(foreign.status).toBe(400);

    await acme.client.waitFor(
      sid.body.id,
      (w) => w.state === 'completed' && typeof w.codegen_file === 'string',
    );
    await acme.client.waitFor(byId.body.id, (w) => w.state === 'completed');
    // 3 + 2 codes; only the first workorder activates its codes on completion.
    const counted = (await lookup(acme.client, 'PR1')).body.results[0];
    expect(counted).toMatchObject({ code_count: 5, active_code_count: 3, blacklisted_code_count: 0 });

    const listed = await acme.client.get<Page>('/api/v2/workorders/?search=with%20product');
    expect(listed.body.results[0].product).toMatchObject({ id: pr1.id, sku: 'PR1' });

    const zip = await acme.client.bytes(`/api/v2/workorders/${sid.body.id}/download/`);
    const manifest = JSON.parse((await readZip(zip.data)).get('manifest.json')!.toString('utf8')) as {
      workorder: Json;
    };
    expect(manifest.workorder.product).toEqual({ id: pr1.id, sku: 'PR1', name: 'Product One' });
  });
});
