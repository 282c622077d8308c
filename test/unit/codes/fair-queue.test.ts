import { FairQueue } from '../../../src/codes/fair-queue';

function drain(queue: FairQueue<string>): string[] {
  const items: string[] = [];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) items.push(next);
  return items;
}

describe('the render queue: tenants in turn, each tenant by batch age', () => {
  test('a company with 100 codes queued after 40 tasks of another waits for one of them, not all', () => {
    const queue = new FairQueue<string>();
    for (let i = 1; i <= 40; i++) queue.push(`heavy ${i}`, { tenant: 'company-1', since: 1 });
    queue.push('small', { tenant: 'company-2', since: 2 });
    expect(queue.size).toBe(41);
    expect(drain(queue).slice(0, 3)).toEqual(['heavy 1', 'small', 'heavy 2']);
    expect(queue.size).toBe(0);
  });

  test('tenants take one task per turn, whatever each has queued', () => {
    const queue = new FairQueue<string>();
    for (const item of ['a1', 'a2', 'a3']) queue.push(item, { tenant: 'a', since: 1 });
    for (const item of ['b1', 'b2', 'b3']) queue.push(item, { tenant: 'b', since: 1 });
    queue.push('c1', { tenant: 'c', since: 1 });
    expect(drain(queue)).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3', 'b3']);
  });

  test("a tenant's earlier batch goes first; the tasks of one batch keep their order", () => {
    const queue = new FairQueue<string>();
    queue.push('later batch, slice 1', { tenant: 'a', since: 20 });
    queue.push('later batch, slice 2', { tenant: 'a', since: 20 });
    queue.push('earlier batch, slice 1', { tenant: 'a', since: 10 });
    queue.push('earlier batch, slice 2', { tenant: 'a', since: 10 });
    expect(drain(queue)).toEqual([
      'earlier batch, slice 1',
      'earlier batch, slice 2',
      'later batch, slice 1',
      'later batch, slice 2',
    ]);
  });

  test('a tenant that comes back after running dry joins the end of the turns', () => {
    const queue = new FairQueue<string>();
    queue.push('a1', { tenant: 'a', since: 1 });
    queue.push('b1', { tenant: 'b', since: 1 });
    expect(queue.shift()).toBe('a1');
    queue.push('c1', { tenant: 'c', since: 1 });
    queue.push('a2', { tenant: 'a', since: 2 });
    expect(drain(queue)).toEqual(['b1', 'c1', 'a2']);
  });

  test('an aborted task leaves the queue, and a tenant left with none loses its turn', () => {
    const queue = new FairQueue<string>();
    queue.push('a1', { tenant: 'a', since: 1 });
    queue.push('b1', { tenant: 'b', since: 1 });
    queue.push('a2', { tenant: 'a', since: 1 });
    expect(queue.remove('b1', 'b')).toBe(true);
    expect(queue.remove('b1', 'b')).toBe(false);
    expect(queue.remove('never queued', 'c')).toBe(false);
    expect(queue.size).toBe(2);
    expect(drain(queue)).toEqual(['a1', 'a2']);
    expect(queue.shift()).toBeUndefined();
  });
});
