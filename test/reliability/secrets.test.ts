/**
 * Secrets stay secret: the code key, the secure-graphic key derived from it and the link secret
 * never appear in logs, API responses, the zip or workflow history, and tokens are stored only as
 * hashes.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { deriveSecureGraphicKey } from '../../src/codes/secure-graphic';
import { workflowIdFor } from '../../src/shared/workorder';
import type { Workorder } from '../support/api-client';
import { Stack } from '../support/stack';
import { readZip } from '../support/zip';

const CODE_KEY = randomBytes(32);
const LINK_SECRET = randomBytes(32);
let stack: Stack;

beforeAll(async () => {
  stack = await (
    await Stack.create({
      env: {
        CODE_KEY: CODE_KEY.toString('hex'),
        LINK_SECRET: `base64:${LINK_SECRET.toString('base64')}`,
        LOG_LEVEL: 'debug',
      },
    })
  ).start();
});

afterAll(async () => {
  await stack?.destroy();
});

function forms(secret: Buffer): string[] {
  return [
    secret.toString('hex'),
    secret.toString('hex').toUpperCase(),
    secret.toString('base64'),
    secret.toString('base64url'),
  ];
}

test('no secret in logs, responses, the zip, history; tokens only hashed', async () => {
  const brand = await stack.fixtures.brandOwner('Secret Brand');
  const template = await stack.fixtures.sidTemplate(brand.company, 'T');
  const seen: string[] = [];
  const created = await brand.client.post<Workorder>('/api/v2/workorders/create-from-template/', {
    template: template.id,
    quantity: 30,
  });
  seen.push(created.text);
  const done = await brand.client.waitFor(created.body.id, (w) => w.state === 'completed');
  seen.push(JSON.stringify(done));
  seen.push((await brand.client.get('/api/v2/workorders/')).text);
  seen.push((await brand.client.get('/api/v2/me/')).text);
  seen.push(
    (await brand.client.request('GET', `/api/v2/workorders/${created.body.id}/serial-numbers/`)).text,
  );
  const zip = await readZip(
    (await brand.client.bytes(`/api/v2/workorders/${created.body.id}/download/`)).data,
  );
  for (const [, bytes] of zip) seen.push(bytes.toString('latin1'));

  const history = await stack.temporal((client) =>
    client.workflow.getHandle(workflowIdFor(created.body.id)).fetchHistory(),
  );
  const json = historyToJSON(history);
  seen.push(json);
  // Payloads are base64 in history JSON: decode them too.
  for (const m of json.matchAll(/"data": "([A-Za-z0-9+/=]+)"/g))
    seen.push(Buffer.from(m[1], 'base64').toString('utf8'));
  seen.push(stack.logs.join(''));
  const outbox = path.join(stack.dataDir, 'outbox');
  if (fs.existsSync(outbox))
    for (const f of fs.readdirSync(outbox)) seen.push(fs.readFileSync(path.join(outbox, f), 'utf8'));

  const everything = seen.join('\n');
  expect(everything.length).toBeGreaterThan(10_000);
  // The global secure-graphic key too: zips carry only a workorder's own key (docs/generator.md).
  for (const secret of [
    ...forms(CODE_KEY),
    ...forms(LINK_SECRET),
    ...forms(deriveSecureGraphicKey(CODE_KEY)),
  ])
    expect(everything.includes(secret)).toBe(false);
  expect(everything.includes(brand.token)).toBe(false);

  // The database holds the token's hash, never the token.
  const tokens = await stack.store.db.selectFrom('tokens').selectAll().execute();
  expect(JSON.stringify(tokens).includes(brand.token)).toBe(false);
  expect(tokens.every((t) => /^[0-9a-f]{64}$/.test(t.token_hash))).toBe(true);
});
