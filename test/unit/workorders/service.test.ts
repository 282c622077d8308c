/**
 * Creating workorders, on a real SQLite file. Temporal is replaced by a starter that records what
 * it was asked, or refuses as an unreachable server or a reused workflow id would: those are
 * Temporal's answers, outside the service's control.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { openStore, repositories, type Repositories, type Store } from '../../../src/store';
import type { CompanyRow } from '../../../src/store/schema';
import type { NewTemplate } from '../../../src/store/templates';
import type { WorkorderInput } from '../../../src/shared/workorder';
import {
  InvalidField,
  UnknownReference,
  WorkflowIdReused,
  WorkflowUnavailable,
} from '../../../src/workorders/errors';
import {
  createFromTemplate,
  createSid,
  reconcileUnstarted,
  type TemplateOrder,
  type WorkorderServiceDeps,
} from '../../../src/workorders/service';

let dir: string;
let store: Store;
let repos: Repositories;
let started: WorkorderInput[];
let refusal: Error | undefined;
let deps: WorkorderServiceDeps;
let brand: CompanyRow;
let partner: CompanyRow;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workorder-service-'));
  store = await openStore(`sqlite:${path.join(dir, 'workorders.db')}`);
  repos = repositories(store);
  started = [];
  refusal = undefined;
  deps = {
    repos,
    config: loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' }),
    gateway: {
      async start(input) {
        if (refusal) throw refusal;
        started.push(input);
      },
    },
  };
  brand = await repos.companies.create({ name: 'Brand', companyType: 'brand_owner' });
  partner = await repos.companies.create({ name: 'Print', companyType: 'printing_partner' });
  await repos.partnerships.link(brand.id, partner.id);
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const template = (changes: Partial<NewTemplate> = {}) =>
  repos.templates.create({
    companyId: brand.id,
    name: 'T',
    type: 'SID',
    codeLayout: 'qr',
    useSerialNumber: true,
    activateOnComplete: true,
    isStaticPrint: false,
    isHybrid: false,
    urlPrefix: 'HTTPS://T.EXAMPLE/Q/',
    printingPartnerId: null,
    ...changes,
  });

const order = (templateId: number, changes: Partial<TemplateOrder> = {}): TemplateOrder => ({
  templateId,
  quantity: 25_000,
  reference: null,
  printingPartnerId: null,
  product: null,
  dueDate: null,
  totalImpressions: null,
  remarks: '',
  ...changes,
});

const rowCount = async () =>
  Number(
    (
      await store.db
        .selectFrom('workorders')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('createFromTemplate', () => {
  test('writes the row from the template, starts its workflow from that row, and returns it started', async () => {
    const t = await template({ type: 'SSC', printingPartnerId: partner.id, codeLayout: 'sg-inside' });
    const row = await createFromTemplate(deps, brand, order(t.id, { remarks: 'r' }));

    expect(row).toMatchObject({
      type: 'SSC',
      code_layout: 'sg-inside',
      printing_partner_id: partner.id,
      url_prefix: 'HTTPS://T.EXAMPLE/Q/',
      workflow_id: `workorder-${row.id}`,
      workflow_started: 1,
      state: 'new',
      codegen_status: 1,
      progress_batches_total: 3,
    });
    expect(row.reference).toMatch(/^WO-\d{8}-[0-9A-F]{8}$/);
    expect(await repos.workorders.byId(row.id)).toEqual(row);
    expect(started).toEqual([
      expect.objectContaining({
        workorderId: row.id,
        type: 'SSC',
        printingPartnerId: partner.id,
        activateOnComplete: true,
        code: expect.objectContaining({ codeLayout: 'sg-inside', serialStart: 1, keyId: 'k1' }),
      }),
    ]);
  });

  test.each([
    [
      'Temporal cannot be reached',
      new WorkflowUnavailable(),
      'The workflow service is unavailable; the workorder was not created.',
      5,
    ],
    [
      'the workflow id is held by an earlier workflow',
      new WorkflowIdReused('already started'),
      'The workorder could not be started and was not created; try again.',
      1,
    ],
  ])(
    'when %s, the row is removed and the order refused as unavailable',
    async (_case, error, message, retryAfter) => {
      const t = await template();
      refusal = error;
      const creating = createFromTemplate(deps, brand, order(t.id, { reference: 'R-1' }));
      await expect(creating).rejects.toThrow(WorkflowUnavailable);
      await expect(creating).rejects.toMatchObject({ message, retryAfterSeconds: retryAfter });
      expect(await rowCount()).toBe(0);
      // The reference is free again: the client's retry can succeed.
      refusal = undefined;
      await expect(createFromTemplate(deps, brand, order(t.id, { reference: 'R-1' }))).resolves.toBeDefined();
    },
  );

  test('refusals name the field at fault, and nothing is written or started', async () => {
    const sid = await template();
    const sscWithoutPartner = await template({ type: 'SSC' });
    const archived = await template();
    await store.db.updateTable('templates').set({ is_archived: 1 }).where('id', '=', archived.id).execute();
    const other = await repos.companies.create({ name: 'Other', companyType: 'brand_owner' });
    const othersTemplate = await template({ companyId: other.id });
    const stranger = await repos.companies.create({ name: 'Stranger', companyType: 'printing_partner' });
    const strangersSsc = await template({
      type: 'SSC',
      printingPartnerId: stranger.id,
      codeLayout: 'sg-inside',
    });
    await createFromTemplate(deps, brand, order(sid.id, { reference: 'TAKEN' }));
    started = [];
    const before = await rowCount();

    const refusals: Array<[TemplateOrder, Error]> = [
      [order(9999), new UnknownReference('template', 9999)],
      [order(archived.id), new UnknownReference('template', archived.id)],
      [order(othersTemplate.id), new UnknownReference('template', othersTemplate.id)],
      [order(sid.id, { printingPartnerId: other.id }), new UnknownReference('printing_partner', other.id)],
      // A real printing partner the brand has no active partnership with is refused like no company.
      [
        order(sid.id, { printingPartnerId: stranger.id }),
        new UnknownReference('printing_partner', stranger.id),
      ],
      [order(strangersSsc.id), new UnknownReference('printing_partner', stranger.id)],
      [
        order(sscWithoutPartner.id),
        new InvalidField('printing_partner', 'A printing partner is required for SSC workorders.'),
      ],
      [
        order(sid.id, { totalImpressions: 5 }),
        new InvalidField('total_impressions', 'Only applicable to workorders of a static template.'),
      ],
      [
        order(sid.id, { product: 'NO-SUCH-SKU' }),
        new InvalidField('product', 'Invalid product "NO-SUCH-SKU" - no product with this id or SKU.'),
      ],
      [
        order(sid.id, { reference: 'TAKEN' }),
        new InvalidField('reference', 'A workorder with this reference already exists in the company.'),
      ],
    ];
    for (const [refused, expected] of refusals) {
      const error = await createFromTemplate(deps, brand, refused).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(expected.constructor);
      expect(error).toMatchObject({ ...expected, message: expected.message });
    }
    expect(await rowCount()).toBe(before);
    expect(started).toEqual([]);
  });

  test('the product is named by id or by SKU; a string of digits that is no SKU is tried as an id', async () => {
    const t = await template();
    const acme = await repos.brands.create({ companyId: brand.id, name: 'Acme' });
    const product = await repos.products.create({
      companyId: brand.id,
      brandId: acme.id,
      sku: 'SKU-7',
      name: 'P',
      label: null,
      description: '',
      clientUrl: '',
      imageKey: null,
    });
    for (const named of [product.id, 'SKU-7', ` ${product.id} `]) {
      const row = await createFromTemplate(deps, brand, order(t.id, { product: named }));
      expect({ named, product: row.product_id, brand: row.brand_id }).toEqual({
        named,
        product: product.id,
        brand: acme.id,
      });
    }
  });
});

test('createSid: a SID workorder without a template, QR layout and the configured URL prefix', async () => {
  const row = await createSid(deps, brand, {
    reference: 'LEGACY-1',
    quantity: 7,
    activateOnComplete: false,
    useSerialNumber: false,
    printingPartnerId: partner.id,
    product: null,
    dueDate: '2030-01-31',
    remarks: 'legacy',
  });
  expect(row).toMatchObject({
    type: 'SID',
    template_id: null,
    code_layout: 'qr',
    url_prefix: deps.config.defaultUrlPrefix,
    serial_start: null,
    printing_partner_id: partner.id,
    due_date: '2030-01-31',
    workflow_started: 1,
  });
  expect(started).toHaveLength(1);
});

test('reconcileUnstarted starts the rows a crash left without a workflow, once they are old enough', async () => {
  const t = await template();
  const fields = {
    companyId: brand.id,
    printingPartnerId: null,
    templateId: t.id,
    type: 'SID' as const,
    remarks: '',
    quantity: 3,
    dueDate: null,
    totalImpressions: null,
    codeLayout: 'qr' as const,
    useSerialNumber: true,
    activateOnComplete: false,
    isStaticPrint: false,
    isHybrid: false,
    urlPrefix: 'HTTPS://T.EXAMPLE/Q/',
    productId: null,
    brandId: null,
    keyId: 'k1',
  };
  const orphan = await repos.workorders.create({ ...fields, reference: 'ORPHAN' });
  const fresh = await repos.workorders.create({ ...fields, reference: 'FRESH' });
  const longAgo = new Date(Date.now() - 5 * 60_000).toISOString();
  await store.db
    .updateTable('workorders')
    .set({ creation_date: longAgo })
    .where('id', '=', orphan.id)
    .execute();

  expect(await reconcileUnstarted(deps)).toBe(1);
  expect(started.map((input) => input.workorderId)).toEqual([orphan.id]);
  expect((await repos.workorders.byId(orphan.id))?.workflow_started).toBe(1);
  expect((await repos.workorders.byId(fresh.id))?.workflow_started).toBe(0);
  expect(await reconcileUnstarted(deps)).toBe(0);
});
