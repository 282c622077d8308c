/**
 * The API dying between writing a workorder row and starting its workflow: at its next start the
 * API finds the row, starts exactly one workflow for it, and the workorder completes.
 */
import { sql } from 'kysely';
import { workflowIdFor } from '../../src/shared/workorder';
import { repositories } from '../../src/store';
import { Stack } from '../support/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await Stack.create();
  await stack.startWorker();
});

afterAll(async () => {
  await stack?.destroy();
});

test('a row left without its workflow gets exactly one at the next API start', async () => {
  const brand = await stack.fixtures.brandOwner('Reconcile Brand');
  const template = await stack.fixtures.sidTemplate(brand.company, 'T');

  // What a crash right after the insert leaves: the row, no workflow, workflow_started = 0.
  const { id } = await repositories(stack.store).workorders.create({
    companyId: brand.company.id,
    printingPartnerId: null,
    templateId: template.id,
    type: 'SID',
    reference: 'ORPHAN-1',
    remarks: '',
    quantity: 7,
    dueDate: null,
    totalImpressions: null,
    codeLayout: 'qr',
    useSerialNumber: true,
    activateOnComplete: false,
    isStaticPrint: false,
    isHybrid: false,
    urlPrefix: template.url_prefix,
    productId: null,
    brandId: null,
    keyId: 'k1',
  });
  const longAgo = new Date(Date.now() - 5 * 60_000).toISOString();
  await sql`update workorders set creation_date = ${longAgo} where id = ${id}`.execute(stack.store.db);

  await stack.startApi();
  const done = await brand.client.waitFor(id, (w) => w.state === 'completed', 60_000);
  expect(done.codegen_status).toBe(4);

  // A second API start finds nothing to do and never starts a second run.
  await stack.stop();
  await stack.startWorker();
  await stack.startApi();
  await stack.temporal(async (client) => {
    const runs = [];
    for await (const run of client.workflow.list({ query: `WorkflowId = "${workflowIdFor(id)}"` }))
      runs.push(run);
    expect(runs).toHaveLength(1);
  });
});
