import fc from 'fast-check';
import { workorderStatus, workorderStatuses, type ActivationFacts } from '../../../src/codes/activation';
import {
  countByStatus,
  countChanged,
  paintStatuses,
  rangesOfSequences,
  statusAt,
  type ActivationStatus,
  type StatusRange,
} from '../../../src/codes/status-ranges';

/** The naive model: one status per code, each change applied in turn. */
function perCode(quantity: number, base: ActivationStatus, changes: StatusRange[]): ActivationStatus[] {
  const statuses = new Array<ActivationStatus>(quantity).fill(base);
  for (const c of changes) {
    for (let s = Math.max(1, c.first); s <= Math.min(quantity, c.last); s++) statuses[s - 1] = c.status;
  }
  return statuses;
}

const status = fc.constantFrom<ActivationStatus>(0, 1, 2);
const change = (quantity: number) =>
  fc
    .tuple(fc.integer({ min: 1, max: quantity + 3 }), fc.integer({ min: 0, max: quantity }), status)
    .map(([first, length, s]) => ({ first, last: first + length - 1, status: s }));

describe('code status ranges', () => {
  it('agree with one status per code, the latest change winning', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }).chain((q) => fc.tuple(fc.constant(q), status, fc.array(change(q)))),
        ([quantity, base, changes]) => {
          const ranges = paintStatuses(quantity, base, changes);
          const expected = perCode(quantity, base, changes);
          for (let s = 1; s <= quantity; s++) expect(statusAt(ranges, s)).toBe(expected[s - 1]);
          expect(statusAt(ranges, quantity + 1)).toBeUndefined();
          const counts = countByStatus(ranges);
          for (const st of [0, 1, 2] as const) {
            expect(counts[st]).toBe(expected.filter((e) => e === st).length);
          }
          // Neighbours with one status are one range.
          ranges.slice(1).forEach((r, i) => expect(r.status === ranges[i].status).toBe(false));
        },
      ),
    );
  });

  it('count the codes a change would change', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 60 })
          .chain((q) => fc.tuple(fc.constant(q), fc.array(change(q)), change(q))),
        ([quantity, changes, next]) => {
          const before = perCode(quantity, 0, changes);
          const after = perCode(quantity, 0, [...changes, next]);
          const differing = before.filter((s, i) => s !== after[i]).length;
          const clipped = { ...next, last: Math.min(next.last, quantity) };
          expect(countChanged(paintStatuses(quantity, 0, changes), clipped)).toBe(differing);
        },
      ),
    );
  });

  it('join listed sequences into the fewest ranges', () => {
    expect(rangesOfSequences([7, 3, 4, 5, 9, 4, 8], 2)).toEqual([
      { first: 3, last: 5, status: 2 },
      { first: 7, last: 9, status: 2 },
    ]);
  });

  it('keep a whole 10,000,000-code workorder as one range', () => {
    const ranges = paintStatuses(10_000_000, 0, [{ first: 1, last: 10_000_000, status: 2 }]);
    expect(ranges).toEqual([{ first: 1, last: 10_000_000, status: 2 }]);
  });
});

describe('a workorder’s own code status', () => {
  const facts = (f: Partial<ActivationFacts>): ActivationFacts => ({
    type: 'SID',
    state: 'new',
    activate_on_complete: 1,
    quantity: 10,
    ...f,
  });

  it('is 2 when canceled, whatever the brand changed', () => {
    expect(workorderStatus(facts({ state: 'canceled' }))).toBe(2);
    expect(workorderStatuses(facts({ state: 'canceled' }), [{ first: 1, last: 10, status: 1 }])).toEqual([
      { first: 1, last: 10, status: 2 },
    ]);
  });

  it('activates SID codes on completion and SSC codes once printed, with activate_on_complete', () => {
    expect(workorderStatus(facts({ state: 'printed' }))).toBe(0);
    expect(workorderStatus(facts({ state: 'completed' }))).toBe(1);
    expect(workorderStatus(facts({ type: 'SSC', state: 'ready to print' }))).toBe(0);
    expect(workorderStatus(facts({ type: 'SSC', state: 'printed' }))).toBe(1);
    expect(workorderStatus(facts({ type: 'SSC', state: 'completed' }))).toBe(1);
    expect(workorderStatus(facts({ state: 'completed', activate_on_complete: 0 }))).toBe(0);
  });
});
