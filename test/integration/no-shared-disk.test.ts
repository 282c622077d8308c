/**
 * No disk shared between the API and the workers: the API and two workers, each on its own "host"
 * (a network namespace, with its own DATA_DIR), against one Temporal server, one PostgreSQL and one
 * S3 server (Versity Gateway). A 100,000-code SID order and an SSC order complete and download
 * through the API, and a worker killed in the middle of a batch leaves the work to the other host.
 *
 * Needs PostgreSQL (TEST_DATABASE_URL, as in CI: `bash scripts/ci-postgres.sh npx jest ...`), since
 * SQLite is a file on one machine; without it the test is skipped.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { freePort } from '../../src/free-port';
import { workflowIdFor } from '../../src/shared/workorder';
import { repositories } from '../../src/store';
import { ApiClient, type Workorder } from '../support/api-client';
import { Fixtures, type Caller } from '../support/fixtures';
import { Hosts, HostProcess, type Host } from '../support/hosts';
import { S3_SETUP_TIMEOUT_MS, startTestS3, type TestS3 } from '../support/s3';
import { Stack } from '../support/stack';
import { readZip } from '../support/zip';

const DIST = path.resolve(__dirname, '../../dist/src');
const SID_QUANTITY = 100_000;
const describeWithPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

let s3: TestS3;
let stack: Stack;
let hosts: Hosts;
let api: HostProcess;
let apiUrl: string;
const workers: Record<'a' | 'b', HostProcess | undefined> = { a: undefined, b: undefined };
const dataDirs: string[] = [];
/** Fixtures seeded into the shared database, their clients calling the API on its host. */
let fixtures: Fixtures;
let brand: Caller;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const portOf = (address: string) => Number(address.slice(address.lastIndexOf(':') + 1));

/** The stack's environment as seen from `host`: its own DATA_DIR, the services at its gateway. */
function envFor(host: Host, extra: Record<string, string> = {}): Record<string, string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `workorder-${host.name}-`));
  dataDirs.push(dataDir);
  const database = new URL(stack.env.DATABASE_URL);
  database.hostname = host.gateway;
  return {
    PATH: process.env.PATH ?? '',
    ...stack.env,
    DATA_DIR: dataDir,
    HOST: host.ip,
    TEMPORAL_ADDRESS: `${host.gateway}:${portOf(stack.env.TEMPORAL_ADDRESS)}`,
    DATABASE_URL: database.toString(),
    S3_ENDPOINT: `http://${host.gateway}:${portOf(s3.env.S3_ENDPOINT)}`,
    ...extra,
  };
}

async function startWorker(name: 'a' | 'b'): Promise<void> {
  const host = hosts.get(`worker-${name}`);
  workers[name] = await HostProcess.start(
    host,
    `worker-${name}`,
    path.join(DIST, 'worker.js'),
    envFor(host),
    'worker: polling',
  );
}

/** Activities of `type` the server counts as started, by the worker identity that took them. */
async function startedBy(handle: WorkflowHandle, type: string): Promise<string[]> {
  const { raw } = await handle.describe();
  return (raw.pendingActivities ?? [])
    .filter(
      (a) =>
        a.activityType?.name === type &&
        a.state === temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
    )
    .map((a) => a.lastWorkerIdentity ?? '');
}

/**
 * kill -9 worker A while it runs a batch: a kill can land just after the batch ended, so it is
 * retried (A started again) until the server still counts A's batch as started a moment later.
 */
async function killWorkerAMidBatch(handle: WorkflowHandle): Promise<void> {
  for (let tries = 0; tries < 10; tries++) {
    const a = workers.a as HostProcess;
    const mine = `${a.pid}@`;
    while (!(await startedBy(handle, 'generateBatch')).some((w) => w.startsWith(mine))) {
      if (a.child.exitCode !== null) throw new Error(`worker a exited:\n${a.logs.join('')}`);
      await sleep(20);
    }
    a.kill();
    await sleep(1000); // a completion sent just before the kill reaches the server by then
    if ((await startedBy(handle, 'generateBatch')).some((w) => w.startsWith(mine))) return;
    await startWorker('a');
  }
  throw new Error('ten kills in a row missed every batch of worker a');
}

describeWithPostgres('API and two workers on separate hosts, sharing no disk', () => {
  beforeAll(async () => {
    s3 = await startTestS3();
    stack = await Stack.create({
      env: {
        ...s3.env,
        // Separate machines share secrets through their configuration, never through a disk.
        CODE_KEY: randomBytes(32).toString('hex'),
        LINK_SECRET: randomBytes(32).toString('hex'),
        RENDER_THREADS: '1',
      },
    });
    hosts = Hosts.create(['api', 'worker-a', 'worker-b']);
    for (const address of [
      stack.env.TEMPORAL_ADDRESS,
      stack.env.DATABASE_URL.split('/')[2],
      s3.env.S3_ENDPOINT,
    ]) {
      await hosts.relay(portOf(address));
    }
    const apiHost = hosts.get('api');
    const port = await freePort();
    apiUrl = `http://${apiHost.ip}:${port}`;
    api = await HostProcess.start(
      apiHost,
      'api',
      path.join(DIST, 'api/server.js'),
      envFor(apiHost, { PORT: String(port), PUBLIC_URL: apiUrl }),
      'api: listening',
    );
    await startWorker('a');
    await startWorker('b');
    fixtures = new Fixtures(repositories(stack.store), apiUrl);
    brand = await fixtures.brandOwner('Fleet Brand');
  }, S3_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all([api?.stop(), workers.a?.stop(), workers.b?.stop()]);
    await hosts?.destroy();
    await stack?.destroy();
    await s3?.stop();
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('each host is a network namespace of its own when the test runs as root', () => {
    expect(hosts.isolated).toBe(process.getuid?.() === 0);
    if (hosts.isolated) expect(new Set([...hosts.hosts.values()].map((h) => h.ip)).size).toBe(3);
  });

  test('a 100,000-code SID order completes after worker A dies mid-batch, and downloads', async () => {
    const template = await fixtures.sidTemplate(brand.company, 'SID fleet');
    const created = await brand.client.post<Workorder>('/api/v2/workorders/create-from-template/', {
      template: template.id,
      quantity: SID_QUANTITY,
    });
    expect(created.status).toBe(201);
    const { id } = created.body;
    const events = await stack.temporal(async (client) => {
      const handle = client.workflow.getHandle(workflowIdFor(id));
      await killWorkerAMidBatch(handle);
      const done = await brand.client.waitFor(id, (w) => w.state === 'completed', 600_000);
      expect(done.progress).toEqual({
        codes_generated: SID_QUANTITY,
        batches_completed: 10,
        batches_total: 10,
      });
      return (await handle.fetchHistory()).events ?? [];
    });
    const b = `${(workers.b as HostProcess).pid}@`;
    const retriedOnB = events.filter(
      (e) =>
        (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1 &&
        e.activityTaskStartedEventAttributes?.identity?.startsWith(b),
    );
    expect(retriedOnB.length).toBeGreaterThanOrEqual(1); // A's interrupted batch, finished on host B

    const download = await brand.client.bytes(`/api/v2/workorders/${id}/download/`);
    expect(download.status).toBe(200);
    expect(download.headers.get('etag')).toBe(`"${sha256(download.data)}"`);
    const range = await brand.client.bytes(`/api/v2/workorders/${id}/download/`, { Range: 'bytes=0-99' });
    expect([range.status, range.data.equals(download.data.subarray(0, 100))]).toEqual([206, true]);
    const zip = await readZip(download.data);
    const rows = (zip.get('codes.csv') as Buffer).toString('utf8').trimEnd().split('\n').slice(1);
    expect(new Set(rows.map((r) => r.split(',')[0])).size).toBe(SID_QUANTITY);
    expect([...zip.keys()].filter((k) => k.startsWith('codes/'))).toHaveLength(SID_QUANTITY);
  }, 900_000);

  test('an SSC order is confirmed, generated on the remaining host, and downloads', async () => {
    const partner = await fixtures.printingPartner('Fleet Printer', 'jobs@fleet-printer.example');
    const press = await fixtures.equipment(partner.company, 'Press', 600);
    const paper = await fixtures.substrate(partner.company, 'Paper');
    await fixtures.calibration(press, paper);
    const template = await fixtures.sscTemplate(brand.company, 'SSC fleet', {
      codeLayout: 'sg-inside',
      printingPartner: partner.company,
    });
    const created = await brand.client.post<Workorder>('/api/v2/workorders/create-from-template/', {
      template: template.id,
      quantity: 300,
    });
    expect(created.status).toBe(201);
    const { id } = created.body;
    const confirmed = await partner.client.patch(`/api/v2/workorders/${id}/printer-confirm/`, {
      equipment: press.id,
      substrate: paper.id,
      external_id: 'fleet-1',
    });
    expect(confirmed.status).toBe(200);
    const ready = await brand.client.waitFor(
      id,
      (w) => w.state === 'ready to print' && typeof w.codegen_file === 'string',
      300_000,
    );
    const download = await new ApiClient(apiUrl, null).bytes(String(ready.codegen_file));
    expect(download.status).toBe(200);
    expect(download.headers.get('etag')).toBe(`"${sha256(download.data)}"`);
    const zip = await readZip(download.data);
    expect([...zip.keys()].filter((k) => k.startsWith('codes/'))).toHaveLength(300);
    const manifest = JSON.parse((zip.get('manifest.json') as Buffer).toString('utf8'));
    expect(manifest.printing).toMatchObject({ equipment: { id: press.id }, substrate: { id: paper.id } });
    // Worker A is gone: host B rendered every batch.
    const history = await stack.temporal((client) =>
      client.workflow.getHandle(workflowIdFor(id)).fetchHistory(),
    );
    const batchWorkers = new Set(
      (history.events ?? []).flatMap((e) => e.activityTaskStartedEventAttributes?.identity ?? []),
    );
    expect([...batchWorkers].every((w) => w.startsWith(`${(workers.b as HostProcess).pid}@`))).toBe(true);
  }, 600_000);

  test('the artifacts are in the bucket only: no host has any under its DATA_DIR', () => {
    for (const dir of dataDirs) expect(fs.existsSync(path.join(dir, 'artifacts'))).toBe(false);
    const zips = fs
      .readdirSync(path.join(s3.dir, 'workorders', 'workorders'), { recursive: true })
      .filter((f) => String(f).endsWith('.zip'));
    expect(zips).toHaveLength(2);
  });
});
