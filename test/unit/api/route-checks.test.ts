/**
 * What every route gets from its declaration, in the real app on a real SQLite file: the caller
 * checks before the handler, 405s, the signed-link door, and domain refusals answered in the
 * contract's shape. Temporal is replaced by a gateway that refuses starts as an unreachable server
 * would (outside the API's control); no route here needs a running workflow.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../../src/api/app';
import type { ApiDeps } from '../../../src/api/context';
import { createLinkSigner } from '../../../src/api/links';
import { createSecretBox } from '../../../src/webhooks/secret-box';
import type { WorkflowGateway } from '../../../src/api/temporal';
import { CodePermutation } from '../../../src/codes/permutation';
import { loadConfig } from '../../../src/config';
import { createLocalArtifactStore } from '../../../src/storage/local';
import { openStore, repositories, type Store } from '../../../src/store';
import { PERMISSIONS } from '../../../src/store/tokens';
import { WorkflowUnavailable } from '../../../src/workorders/errors';

let dir: string;
let store: Store;
let server: Server;
let base: string;
let deps: ApiDeps;
const tokens: Record<string, string> = {};
let templateId: number;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'route-checks-'));
  store = await openStore(`sqlite:${path.join(dir, 'workorders.db')}`);
  const repos = repositories(store);
  const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' });
  const unreachable = async () => {
    throw new WorkflowUnavailable();
  };
  deps = {
    config,
    repos,
    gateway: {
      start: unreachable,
      update: unreachable,
      snapshot: async () => null,
      ping: async () => false,
    } as unknown as WorkflowGateway,
    links: createLinkSigner(Buffer.alloc(32, 1), config.publicUrl),
    webhookSecrets: createSecretBox(Buffer.alloc(32, 1)),
    permutation: new CodePermutation(Buffer.alloc(32, 2)),
    artifacts: createLocalArtifactStore(path.join(dir, 'artifacts')),
  };
  const brand = await repos.companies.create({ name: 'Brand', companyType: 'brand_owner' });
  const partner = await repos.companies.create({ name: 'Print', companyType: 'printing_partner' });
  tokens.brand = (await repos.tokens.create(brand.id, [...PERMISSIONS], null)).token;
  tokens.partner = (await repos.tokens.create(partner.id, [...PERMISSIONS], null)).token;
  tokens.bare = (await repos.tokens.create(brand.id, [], null)).token;
  templateId = (
    await repos.templates.create({
      companyId: brand.id,
      name: 'T',
      type: 'SID',
      codeLayout: 'qr',
      useSerialNumber: true,
      activateOnComplete: false,
      isStaticPrint: false,
      isHybrid: false,
      urlPrefix: 'HTTPS://T.EXAMPLE/Q/',
      printingPartnerId: null,
    })
  ).id;
  server = await new Promise<Server>((resolve) => {
    const s = createApp(deps).listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function call(
  method: string,
  url: string,
  opts: { token?: string; json?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.Authorization = `UAT ${opts.token}`;
  if (opts.json !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${base}${url}`, {
    method,
    headers,
    body: opts.json === undefined ? undefined : JSON.stringify(opts.json),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
  };
}

describe('the caller, checked before the handler', () => {
  test('no token is 401; a token without the route permission is 403; a route without one takes any token', async () => {
    expect((await call('GET', '/api/v2/brands/')).status).toBe(401);
    expect(await call('GET', '/api/v2/brands/', { token: tokens.bare })).toMatchObject({
      status: 403,
      body: { detail: 'You do not have permission to perform this action.' },
    });
    expect((await call('GET', '/api/v2/me/', { token: tokens.bare })).status).toBe(200);
  });

  test('a brand-owner route refuses a partner holding the permission, before reading its body', async () => {
    expect(
      await call('POST', '/api/v2/workorders/create-sid/', {
        token: tokens.partner,
        json: { quantity: 'x' },
      }),
    ).toMatchObject({ status: 403, body: { detail: 'Only brand owners can create workorders.' } });
  });
});

describe('methods', () => {
  test('another method on a declared path is 405; the probes answer it like an unknown path', async () => {
    expect(await call('PUT', '/api/v2/me/', { token: tokens.brand })).toMatchObject({
      status: 405,
      body: { detail: 'Method "PUT" not allowed.' },
    });
    expect((await call('POST', '/healthz')).status).toBe(404);
  });
});

describe('the download, with a token or a signed link', () => {
  test('a path id that is no id is 404 before any credential is looked at', async () => {
    expect((await call('GET', '/api/v2/workorders/abc/download/')).status).toBe(404);
  });

  test('a wrong link is 403; a good one opens the route without a token', async () => {
    expect(await call('GET', '/api/v2/workorders/7/download/?expires=1&signature=x')).toMatchObject({
      status: 403,
      body: { detail: 'Invalid or expired download link.' },
    });
    const link = new URL(deps.links.downloadUrl(7));
    // The link is good; workorder 7 does not exist, which only the route itself can say.
    expect((await call('GET', `${link.pathname}${link.search}`)).status).toBe(404);
    expect((await call('GET', link.pathname)).status).toBe(401);
  });
});

describe('domain refusals answered in the contract’s shape', () => {
  test('an unknown template is a 400 keyed by the field', async () => {
    expect(
      await call('POST', '/api/v2/workorders/create-from-template/', {
        token: tokens.brand,
        json: { template: 999, quantity: 1 },
      }),
    ).toMatchObject({ status: 400, body: { template: ['Invalid pk "999" - object does not exist.'] } });
  });

  test('Temporal unreachable is a 503 with Retry-After, nothing is left, and the idempotency key is freed', async () => {
    const create = () =>
      call('POST', '/api/v2/workorders/create-from-template/', {
        token: tokens.brand,
        json: { template: templateId, quantity: 1, reference: 'DOWN-1' },
        headers: { 'Idempotency-Key': 'down-1' },
      });
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await create();
      expect(res).toMatchObject({
        status: 503,
        body: {
          detail: 'The workflow service is unavailable; the workorder was not created.',
          code: 'unavailable',
        },
      });
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.headers.get('idempotent-replayed')).toBeNull();
    }
    const rows = await store.db.selectFrom('workorders').select('id').execute();
    expect(rows).toEqual([]);
  });

  test('a refusal under an idempotency key is the answer replayed to the same request', async () => {
    const create = () =>
      call('POST', '/api/v2/workorders/create-from-template/', {
        token: tokens.brand,
        json: { template: 998, quantity: 1 },
        headers: { 'Idempotency-Key': 'refused-1' },
      });
    const first = await create();
    const again = await create();
    expect(first.status).toBe(400);
    expect(again).toMatchObject({ status: 400, body: first.body });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });
});
