/**
 * One trace from an HTTP request to the zip (docs/operations.md, Tracing): the API and the worker
 * export OTLP/HTTP (JSON) to a real collector endpoint served by this test, which keeps what it is
 * sent; the spans of a create-from-template request, its workflow and its activities share one
 * trace id and link up by parent.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Workorder } from '../support/api-client';
import { Stack } from '../support/stack';

/** A span as OTLP/JSON carries it, with the service that sent it. */
interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
  service: string;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpBody {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        attributes?: OtlpAttribute[];
      }[];
    }[];
  }[];
}

const REQUEST_ID = `trace-${randomBytes(6).toString('hex')}`;
const received: ExportedSpan[] = [];
let collector: http.Server;
let stack: Stack;

function attributesOf(list: OtlpAttribute[] = []): Record<string, unknown> {
  return Object.fromEntries(
    list.map(({ key, value }) => [key, value.stringValue ?? value.intValue ?? value.boolValue]),
  );
}

/** The collector: POST /v1/traces with an OTLP/JSON body. */
function collect(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/v1/traces') {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpBody;
      for (const resourceSpans of body.resourceSpans ?? []) {
        const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) {
            received.push({
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId || undefined,
              name: span.name,
              attributes: attributesOf(span.attributes),
              service,
            });
          }
        }
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    } else {
      res.writeHead(404).end();
    }
  });
}

async function waitForSpan(
  match: (span: ExportedSpan) => boolean,
  timeoutMs = 30_000,
): Promise<ExportedSpan> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = received.find(match);
    if (found) return found;
    await sleep(100);
  }
  throw new Error(`no such span; received: ${received.map((s) => `${s.service}:${s.name}`).join(', ')}`);
}

beforeAll(async () => {
  collector = http.createServer(collect);
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const { port } = collector.address() as AddressInfo;
  stack = await Stack.create({
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_BSP_SCHEDULE_DELAY: '100' },
  });
  await stack.start();
});

afterAll(async () => {
  await stack?.destroy();
  await new Promise((resolve) => collector?.close(resolve));
});

test('a create-from-template request, its workflow and its activities down to the zip are one trace', async () => {
  const acme = await stack.fixtures.brandOwner('Acme Traced');
  const template = await stack.fixtures.sidTemplate(acme.company, 'SID');
  const created = await acme.client.post<Workorder>(
    '/api/v2/workorders/create-from-template/',
    { template: template.id, quantity: 20, reference: 'TRACE-1' },
    { 'X-Request-Id': REQUEST_ID },
  );
  expect(created.status).toBe(201);
  await acme.client.waitFor(created.body.id, (w) => w.state === 'completed');
  // Archived, the workflow closes and its own span ends and is exported.
  expect((await acme.client.post(`/api/v2/workorders/${created.body.id}/archive/`, {})).status).toBe(200);

  // The API's span of that request: named by its route, carrying the request id.
  const request = await waitForSpan((s) => s.attributes['request.id'] === REQUEST_ID);
  expect(request).toMatchObject({
    service: 'workorder-api',
    name: 'POST /api/v2/workorders/create-from-template/',
    parentSpanId: undefined,
  });
  expect(request.attributes['http.route']).toBe('/api/v2/workorders/create-from-template/');
  const inTrace = (name: string) => (s: ExportedSpan) => s.traceId === request.traceId && s.name === name;

  // The workflow's start, a child of the request, then the workflow and its activities.
  const start = await waitForSpan(
    (s) => s.traceId === request.traceId && s.name.startsWith('StartWorkflow:'),
  );
  expect(start.parentSpanId).toBe(request.spanId);
  const zip = await waitForSpan(inTrace('RunActivity:assembleZip'));
  expect(zip.service).toBe('workorder-worker');
  const batches = await waitForSpan(
    (s) => s.traceId === request.traceId && /^RunActivity:generateBatch(es)?$/.test(s.name),
  );
  expect(batches.service).toBe('workorder-worker');

  // Up from the zip activity: its scheduling in the workflow, the workflow run, the start, the request.
  const byId = new Map<string, ExportedSpan>();
  const chain: string[] = [];
  for (let span: ExportedSpan | undefined = zip; span;) {
    chain.push(span.name);
    if (!span.parentSpanId) break;
    const parentId: string = span.parentSpanId;
    span = byId.get(parentId) ?? (await waitForSpan((s) => s.spanId === parentId).catch(() => undefined));
    if (span) byId.set(span.spanId, span);
  }
  expect(chain[0]).toBe('RunActivity:assembleZip');
  expect(chain[1]).toBe('StartActivity:assembleZip');
  expect(chain).toContain(start.name);
  expect(chain[chain.length - 1]).toBe(request.name);

  // Every span of the trace came from this service's two processes, none from elsewhere.
  const services = new Set(received.filter((s) => s.traceId === request.traceId).map((s) => s.service));
  expect([...services].sort()).toEqual(['workorder-api', 'workorder-worker']);
});
