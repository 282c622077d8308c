/**
 * Operators' view of the real processes (docs/operations.md): JSON logs that follow one request by
 * its X-Request-Id, workflow logs carrying the workorder id, Prometheus metrics on the API and the
 * worker, the worker's health endpoints, a SIGTERM that drains in-flight requests, and no secret
 * in any log line.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../src/free-port';
import { workflowIdFor } from '../../src/shared/workorder';
import { ApiClient, type Workorder } from '../support/api-client';
import type { Caller } from '../support/fixtures';
import { Stack } from '../support/stack';

const CODE_KEY = randomBytes(32).toString('hex');
const QUANTITY = 25;
const REQUEST_ID = `obs-${randomBytes(6).toString('hex')}`;

let stack: Stack;
let api: ChildProcess;
let worker: ChildProcess;
let acme: Caller;
let templateId: number;
let workerPort: number;
let apiMetricsPort: number;
let workorder: Workorder;

/** A JSON log line: pino's fields, and whatever the line carries besides. */
type LogLine = Record<string, unknown> & { time?: string; duration_ms?: number };

/** Every JSON line a process wrote so far (stdout and stderr, in order). */
function logLines(name: 'api' | 'worker'): LogLine[] {
  const prefix = `[${name}] `;
  const text = stack.logs
    .filter((chunk) => chunk.startsWith(prefix))
    .map((chunk) => chunk.slice(prefix.length))
    .join('');
  return text.split('\n').flatMap((line) => {
    try {
      const parsed: unknown = JSON.parse(line);
      return parsed && typeof parsed === 'object' ? [parsed as LogLine] : [];
    } catch {
      return [];
    }
  });
}

/** Log lines are written when a response ends, so they may trail the client's answer a little. */
async function waitForLine(name: 'api' | 'worker', match: (line: LogLine) => boolean): Promise<LogLine> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const found = logLines(name).find(match);
    if (found) return found;
    await sleep(50);
  }
  throw new Error(`no ${name} log line matched; last lines:\n${stack.logs.slice(-20).join('')}`);
}

async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
}

/** The value of one sample, e.g. `workorder_created_total{type="SID"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

beforeAll(async () => {
  workerPort = await freePort();
  apiMetricsPort = await freePort();
  stack = await Stack.create({
    // debug: the SDK's own activity lines ("Activity completed") are written too.
    env: {
      LOG_LEVEL: 'debug',
      WORKER_METRICS_PORT: String(workerPort),
      API_METRICS_PORT: String(apiMetricsPort),
      CODE_KEY,
    },
  });
  worker = await stack.startWorker();
  api = await stack.startApi();
  acme = await stack.fixtures.brandOwner('Acme Observed');
  templateId = (await stack.fixtures.sidTemplate(acme.company, 'SID')).id;
  const created = await acme.client.post<Workorder>('/api/v2/workorders/create-from-template/', {
    template: templateId,
    quantity: QUANTITY,
    reference: 'OBS-1',
  });
  expect(created.status).toBe(201);
  workorder = await acme.client.waitFor(
    created.body.id,
    (w) => w.state === 'completed' && typeof w.codegen_file === 'string',
  );
});

afterAll(async () => {
  await stack?.destroy();
});

describe('API request logs', () => {
  test('one JSON line per request, found by its X-Request-Id, with the path but not the query', async () => {
    const res = await acme.client.get('/api/v2/workorders/?limit=5&search=OBS', {
      'X-Request-Id': REQUEST_ID,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe(REQUEST_ID);

    const line = await waitForLine('api', (l) => l.request_id === REQUEST_ID);
    expect(line).toMatchObject({
      level: 'info',
      msg: 'request',
      method: 'GET',
      path: '/api/v2/workorders/',
      status: 200,
      company_id: acme.company.id,
    });
    expect(line.duration_ms).toEqual(expect.any(Number));
    expect(line.duration_ms).toBeGreaterThanOrEqual(0);
    expect(Date.parse(String(line.time))).not.toBeNaN();
    expect(JSON.stringify(line)).not.toContain('search=OBS');
  });

  test('a signed download link is logged without its signature', async () => {
    const id = `${REQUEST_ID}-link`;
    const res = await new ApiClient(stack.baseUrl, null).request('HEAD', String(workorder.codegen_file), {
      headers: { 'X-Request-Id': id },
    });
    expect(res.status).toBe(200);
    const line = await waitForLine('api', (l) => l.request_id === id);
    expect(line).toMatchObject({
      method: 'HEAD',
      path: `/api/v2/workorders/${workorder.id}/download/`,
      status: 200,
    });
  });

  test('a refused request is logged with its status and no company', async () => {
    const id = `${REQUEST_ID}-anon`;
    const res = await new ApiClient(stack.baseUrl, null).get('/api/v2/workorders/', { 'X-Request-Id': id });
    expect(res.status).toBe(401);
    const line = await waitForLine('api', (l) => l.request_id === id);
    expect(line).toMatchObject({ method: 'GET', status: 401, company_id: null });
  });

  test.each(['api', 'worker'])('everything the %s writes is JSON', (name) => {
    const raw = stack.logs
      .filter((c) => c.startsWith(`[${name}] `))
      .map((c) => c.slice(name.length + 3))
      .join('')
      .split('\n')
      .filter((l) => l.trim() !== '');
    expect(raw.length).toBeGreaterThan(0);
    expect(raw.filter((l) => !l.startsWith('{'))).toEqual([]);
  });
});

describe('worker logs', () => {
  test('workflow log lines are JSON and carry the workorder id', async () => {
    const line = await waitForLine(
      'worker',
      (l) => l.workorderId === workorder.id && l.msg === 'Workorder started',
    );
    expect(line).toMatchObject({
      level: 'info',
      component: 'worker',
      sdkComponent: 'workflow',
      workflowId: workflowIdFor(workorder.id),
    });
  });

  test('activity log lines carry the workorder id, and no task token', async () => {
    const line = await waitForLine(
      'worker',
      (l) => l.activityType === 'generateBatch' && l.msg === 'Activity completed',
    );
    expect(line).toMatchObject({
      workorderId: workorder.id,
      taskToken: '[redacted]',
    });
  });

  test('the start line is JSON too', () => {
    expect(logLines('worker').some((l) => String(l.msg).startsWith('worker: polling'))).toBe(true);
  });
});

describe('API /metrics', () => {
  test('not on the public port: there it is an unknown path (404)', async () => {
    expect((await fetch(`${stack.baseUrl}/metrics`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${apiMetricsPort}/api/v2/me/`)).status).toBe(404);
  });

  test('requests by route pattern and status, workorders created and totals by type and state', async () => {
    expect((await acme.client.get(`/api/v2/workorders/${workorder.id}/`)).status).toBe(200);
    const text = await scrape(`http://127.0.0.1:${apiMetricsPort}/metrics`);

    expect(text).toContain('# TYPE http_requests_total counter');
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(
      sample(text, 'http_requests_total{method="GET",route="/api/v2/workorders/:id/",status="200"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(
        text,
        'http_requests_total{method="POST",route="/api/v2/workorders/create-from-template/",status="201"}',
      ),
    ).toBe(1);
    // Ids never become label values.
    expect(text).not.toMatch(/route="[^"]*\/\d+\//);

    expect(sample(text, 'workorder_created_total{type="SID"}')).toBe(1);
    expect(sample(text, 'workorder_workorders{type="SID",state="completed",codegen="completed"}')).toBe(1);
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});

describe('worker metrics and health', () => {
  const base = () => `http://127.0.0.1:${workerPort}`;

  test('/metrics has the codes generated, batch durations, and the SDK metrics', async () => {
    const text = await scrape(`${base()}/metrics`);
    expect(sample(text, 'workorder_codes_generated_total')).toBeGreaterThanOrEqual(QUANTITY);
    expect(
      sample(text, 'workorder_batch_duration_seconds_count{outcome="completed"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(text).toContain('# TYPE workorder_emails_total counter');
    expect(text).toMatch(/^temporal_\w+/m);
    expect(text).toMatch(/^temporal_activity_execution_latency\w*\{/m);
  });

  test('/healthz answers and /readyz is ready with both task queues RUNNING', async () => {
    const health = await fetch(`${base()}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${base()}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      ready: true,
      workers: { [stack.env.TASK_QUEUE]: 'RUNNING', [stack.env.CODEGEN_TASK_QUEUE]: 'RUNNING' },
    });
  });
});

describe('graceful shutdown of the API', () => {
  test('SIGTERM stops new connections but answers the request in flight', async () => {
    const body = Buffer.from(JSON.stringify({ template: templateId, quantity: 3, reference: 'OBS-DRAIN' }));
    const url = new URL(`${stack.baseUrl}/api/v2/workorders/create-from-template/`);
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            Authorization: `UAT ${acme.token}`,
            'Content-Type': 'application/json',
            'Content-Length': String(body.length),
            'X-Request-Id': `${REQUEST_ID}-drain`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      // Half the body now: the request is in flight when the signal arrives.
      req.write(body.subarray(0, 10));
      setTimeout(() => {
        api.kill('SIGTERM');
        setTimeout(() => req.end(body.subarray(10)), 750);
      }, 250);
    });
    const exited = new Promise<number | null>((resolve) => api.once('exit', (code) => resolve(code)));

    await waitForLine('api', (l) => String(l.msg).startsWith('api: shutting down'));
    await expect(fetch(`${stack.baseUrl}/healthz`)).rejects.toThrow();

    const res = await answer;
    const answeredAt = Date.now();
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body)).toMatchObject({ reference: 'OBS-DRAIN' });
    const line = await waitForLine('api', (l) => l.request_id === `${REQUEST_ID}-drain`);
    expect(line).toMatchObject({ method: 'POST', status: 201 });
    expect(line.duration_ms).toBeGreaterThanOrEqual(900);

    expect(await exited).toBe(0);
    // Idle keep-alive connections are closed as soon as their answer is out, not when they time out.
    expect(Date.now() - answeredAt).toBeLessThan(3000);
    expect(logLines('api').some((l) => l.msg === 'api: stopped')).toBe(true);
  });
});

describe('graceful shutdown of the worker', () => {
  test('SIGTERM makes /readyz answer 503 at once, then the worker stops cleanly', async () => {
    const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
    worker.kill('SIGTERM');
    await waitForLine('worker', (l) => String(l.msg).startsWith('worker: shutting down'));
    // 503 while the workers drain; refused once the endpoint has closed with them.
    const ready = await fetch(`http://127.0.0.1:${workerPort}/readyz`).then(
      (r) => r.status,
      () => 'closed',
    );
    expect([503, 'closed']).toContain(ready);
    expect(await exited).toBe(0);
    expect(logLines('worker').some((l) => l.msg === 'worker: stopped')).toBe(true);
  });
});

describe('secrets stay out of the logs', () => {
  test('no token, code key, link signature or Authorization header in any captured line', async () => {
    const everything = stack.logs.join('');
    const signature = new URL(String(workorder.codegen_file)).searchParams.get('signature');
    expect(signature).toBeTruthy();
    expect(everything).not.toContain(acme.token);
    expect(everything).not.toContain(CODE_KEY);
    expect(everything).not.toContain(signature as string);
    expect(everything).not.toMatch(/UAT uat_/);
    expect(everything.toLowerCase()).not.toContain('authorization');
  });
});
