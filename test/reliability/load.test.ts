/**
 * 300 concurrent creates, 50 of them reusing a reference and 50 repeating an Idempotency-Key:
 * exactly the expected workorders exist and complete, duplicates get the contract's answers, no 5xx,
 * and every extended ID across all of them is unique.
 */
import type { Page, Workorder } from '../support/api-client';
import { Stack } from '../support/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await (await Stack.create({ env: { THROTTLE_PER_MINUTE: '100000' } })).start();
});

afterAll(async () => {
  await stack?.destroy();
});

test('300 concurrent creates: 200 workorders, 50 refused duplicates, 50 replays', async () => {
  const brand = await stack.fixtures.brandOwner('Load Brand');
  const template = await stack.fixtures.sidTemplate(brand.company, 'T');
  const body = (i: number) => ({
    template: String(template.id),
    quantity: String(3 + (i % 5)),
    reference: `LOAD-${i}`,
  });
  const requests = [
    ...Array.from({ length: 200 }, (_, i) => ({ kind: 'new', i, key: `key-${i}`, body: body(i) })),
    // A reference already used by one of the 200, under a key of its own.
    ...Array.from({ length: 50 }, (_, j) => ({
      kind: 'dup-ref',
      i: j,
      key: `other-key-${j}`,
      body: body(j),
    })),
    // The same key and body as one of the 200: the same answer again.
    ...Array.from({ length: 50 }, (_, j) => ({
      kind: 'replay',
      i: 150 + j,
      key: `key-${150 + j}`,
      body: body(150 + j),
    })),
  ];
  const answers = await Promise.all(
    requests.map(async (r) => ({
      ...r,
      res: await brand.client.post<Workorder>('/api/v2/workorders/create-from-template/', r.body, {
        'Idempotency-Key': r.key,
      }),
    })),
  );

  expect(answers.filter((a) => a.res.status >= 500).map((a) => a.res.text)).toEqual([]);
  const byReference = new Map<string, Set<number>>();
  for (const a of answers.filter((x) => x.res.status === 201)) {
    const ids = byReference.get(a.body.reference) ?? new Set<number>();
    ids.add(a.res.body.id);
    byReference.set(a.body.reference, ids);
  }
  // Each of the 200 references got exactly one workorder, whichever of its twins won the race.
  expect(byReference.size).toBe(200);
  expect([...byReference.values()].every((ids) => ids.size === 1)).toBe(true);
  const refused = answers.filter((a) => a.res.status === 400);
  expect(refused).toHaveLength(50);
  for (const a of refused) expect(Object.keys(a.res.body)).toEqual(['reference']);
  const replays = answers.filter((a) => a.kind === 'replay');
  for (const a of replays) {
    const original = answers.find((x) => x.kind === 'new' && x.key === a.key);
    expect([a.res.status, a.res.body.id]).toEqual([original?.res.status, original?.res.body.id]);
  }
  const ids = [...byReference.values()].map((s) => [...s][0]);
  expect(new Set(ids).size).toBe(200);

  const list = await brand.client.get<Page<Workorder>>('/api/v2/workorders/?limit=1000');
  expect(list.body.count).toBe(200);

  const extendedIds = new Set<string>();
  let codes = 0;
  for (const id of ids) {
    await brand.client.waitFor(id, (w) => w.state === 'completed', 240_000);
    const csv = await brand.client.request('GET', `/api/v2/workorders/${id}/serial-numbers/`);
    for (const line of csv.text.trimEnd().split('\n').slice(1)) {
      extendedIds.add(line.split(',')[1]);
      codes += 1;
    }
  }
  const ordered = Array.from({ length: 200 }, (_, i) => 3 + (i % 5)).reduce((sum, q) => sum + q, 0);
  expect(codes).toBe(ordered);
  expect(extendedIds.size).toBe(ordered);
}, 600_000);
