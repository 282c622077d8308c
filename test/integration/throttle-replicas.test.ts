/**
 * Limits across replicas (README, Running at scale): two API processes on one database count a
 * token's requests together, so a client spreading its calls over both meets the 429 at the same
 * total as with one process. Real processes and a real database (SQLite in WAL shared by both, or
 * PostgreSQL under scripts/ci-postgres.sh); nothing is mocked.
 */
import { ApiClient } from '../support/api-client';
import { Stack } from '../support/stack';

const LIMIT = 12;
let stack: Stack;
let replicaUrl: string;

beforeAll(async () => {
  stack = await Stack.create({ env: { THROTTLE_PER_MINUTE: String(LIMIT) } });
  await stack.startApi();
  replicaUrl = await stack.startReplica();
});

afterAll(async () => {
  await stack?.destroy();
});

test('requests spread over two API processes meet the limit at the same total', async () => {
  const brand = await stack.fixtures.brandOwner('Spread Brand');
  const first = brand.client;
  const second = new ApiClient(replicaUrl, brand.token);
  // Alternating, then concurrently on both: every one of the LIMIT requests is counted once.
  for (let i = 0; i < LIMIT / 2; i++) {
    expect((await (i % 2 === 0 ? first : second).get('/api/v2/me/')).status).toBe(200);
  }
  const burst = await Promise.all(
    Array.from({ length: LIMIT / 2 }, (_, i) => (i % 2 === 0 ? first : second).get('/api/v2/me/')),
  );
  expect(burst.map((r) => r.status)).toEqual(Array(LIMIT / 2).fill(200));

  for (const client of [first, second]) {
    const over = await client.get('/api/v2/me/');
    expect(over.status).toBe(429);
    expect(over.body).toEqual({
      detail: expect.stringMatching(/^Request was throttled\. Expected available in \d+ seconds\.$/),
      code: 'throttled',
    });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(over.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  }
});

test("one token's window does not spend another's", async () => {
  const other = await stack.fixtures.brandOwner('Quiet Brand');
  expect((await new ApiClient(replicaUrl, other.token).get('/api/v2/me/')).status).toBe(200);
  expect((await other.client.get('/api/v2/me/')).status).toBe(200);
});

test('the windows live in the database, keyed by token hash, never the token', async () => {
  const rows = await stack.store.db.selectFrom('throttle_windows').selectAll().execute();
  expect(rows.length).toBeGreaterThanOrEqual(2);
  const tokens = await stack.store.db.selectFrom('tokens').select('token_hash').execute();
  const hashes = new Set(tokens.map((t) => t.token_hash));
  for (const row of rows) expect(hashes.has(row.token_key)).toBe(true);
  expect(Math.max(...rows.map((r) => r.count))).toBe(LIMIT + 2);
});
