/**
 * The Temporal server stopped and started again (same database file) while SID workorders generate
 * and an SSC workorder waits for its partner: everything continues; during the outage creates get
 * 503 with Retry-After and reads are served from the database; afterwards every row has its
 * workflow and every workflow its row.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDevServer, type DevServer } from '../../scripts/lib/dev-server';
import { findTemporalCli } from '../../scripts/lib/temporal-cli';
import { freePort } from '../../src/free-port';
import { workflowIdFor } from '../../src/shared/workorder';
import type { Page, Workorder } from '../support/api-client';
import { Stack } from '../support/stack';

let server: DevServer;
let serverOptions: Parameters<typeof startDevServer>[0];
let stack: Stack;
let tempDir: string;

beforeAll(async () => {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'workorder-restart-'));
  const cli = await findTemporalCli({ projectDir: path.resolve(__dirname, '../..') });
  serverOptions = {
    cliPath: cli.path,
    dbFile: path.join(tempDir, 'temporal.db'),
    port: await freePort(),
    uiPort: await freePort(),
    namespace: 'default',
    headless: true,
    logFile: path.join(tempDir, 'temporal.log'),
  };
  server = await startDevServer(serverOptions);
  stack = await (
    await Stack.create({ temporalAddress: server.address, env: { BATCH_WINDOW: '1', RENDER_THREADS: '1' } })
  ).start();
});

afterAll(async () => {
  await stack?.destroy();
  await server?.stop();
  fs.rmSync(tempDir, { recursive: true, force: true });
});

test('a server restart loses nothing and leaves nothing half-made', async () => {
  const { fixtures } = stack;
  const brand = await fixtures.brandOwner('Restart Brand');
  const partner = await fixtures.printingPartner('Restart Print', 'print@restart.example');
  const press = await fixtures.equipment(partner.company, 'Press', 600);
  const paper = await fixtures.substrate(partner.company, 'Paper');
  await fixtures.calibration(press, paper);
  const sid = await fixtures.sidTemplate(brand.company, 'SID');
  const ssc = await fixtures.sscTemplate(brand.company, 'SSC', {
    codeLayout: 'sg-outside',
    printingPartner: partner.company,
  });
  const create = (template: number, quantity: number, reference: string) =>
    brand.client.post<Workorder>('/api/v2/workorders/create-from-template/', {
      template,
      quantity,
      reference,
    });

  const generating = [await create(sid.id, 30_000, 'SID-A'), await create(sid.id, 20_000, 'SID-B')];
  const waiting = await create(ssc.id, 50, 'SSC-A');
  for (const r of [...generating, waiting]) expect(r.status).toBe(201);
  await brand.client.waitFor(generating[0].body.id, (w) => w.codegen_status === 6, 30_000);

  await server.stop();
  const during = await create(sid.id, 5, 'DURING-OUTAGE');
  expect(during.status).toBe(503);
  expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(0);
  const list = await brand.client.get<Page<Workorder>>('/api/v2/workorders/');
  expect(list.status).toBe(200);
  expect(list.body.count).toBe(3);
  const detail = await brand.client.get(`/api/v2/workorders/${waiting.body.id}/`);
  expect(detail.status).toBe(200);
  await sleep(2000);

  server = await startDevServer(serverOptions);
  for (const r of generating) {
    const done = await brand.client.waitFor(r.body.id, (w) => w.state === 'completed', 240_000);
    expect(done.progress.codes_generated).toBe(r.body.quantity);
  }
  const confirmed = await partner.client.patch(`/api/v2/workorders/${waiting.body.id}/printer-confirm/`, {
    equipment: String(press.id),
    substrate: String(paper.id),
    external_id: 'after-restart',
  });
  expect(confirmed.status).toBe(200);
  await brand.client.waitFor(waiting.body.id, (w) => w.state === 'ready to print', 120_000);

  // Nothing half-made: rows and workflows match one to one.
  const rows = await brand.client.get<Page<Workorder>>('/api/v2/workorders/');
  expect(rows.body.results.map((w) => w.reference).sort()).toEqual(['SID-A', 'SID-B', 'SSC-A']);
  const workflows: string[] = [];
  await stack.temporal(async (client) => {
    const query = `WorkflowType = "workorderWorkflow" AND CompanyId = ${brand.company.id}`;
    for await (const w of client.workflow.list({ query })) workflows.push(w.workflowId);
  });
  expect([...new Set(workflows)].sort()).toEqual(rows.body.results.map((w) => workflowIdFor(w.id)).sort());
}, 600_000);
