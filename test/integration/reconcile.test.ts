/**
 * The API dying between writing a workorder row and starting its workflow: at its next start the
 * API finds the row, starts exactly one workflow for it, and the workorder completes.
 */
import { sql } from 'kysely';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../../src/config';
import { openStore, repositories } from '../../src/store';
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
  const brand = stack.brand('Reconcile Brand');
  const template = stack.sidTemplate(brand.company.id, 'T');

  // What a crash right after the insert leaves: the row, no workflow, workflow_started = 0.
  const store = await openStore(loadConfig(stack.env).databaseUrl);
  let id: number;
  try {
    const row = await repositories(store).workorders.create({
      companyId: brand.company.id as number,
      printingPartnerId: null,
      templateId: template.id as number,
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
      urlPrefix: 'HTTPS://QR.EXAMPLE.COM/Q/',
      productId: null,
      brandId: null,
      keyId: 'k1',
    });
    id = row.id;
    const longAgo = new Date(Date.now() - 5 * 60_000).toISOString();
    await sql`update workorders set creation_date = ${longAgo} where id = ${id}`.execute(store.db);
  } finally {
    await store.close();
  }

  await stack.startApi();
  const done = await brand.client.waitFor(id, (w) => w.state === 'completed', 60_000);
  expect(done.codegen_status).toBe(4);

  // A second API start finds nothing to do and never starts a second run.
  await stack.stop();
  await stack.startWorker();
  await stack.startApi();
  const connection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS });
  try {
    const runs = [];
    for await (const run of new Client({ connection }).workflow.list({
      query: `WorkflowId = "workorder-${id}"`,
    })) {
      runs.push(run);
    }
    expect(runs).toHaveLength(1);
  } finally {
    await connection.close();
  }
});
