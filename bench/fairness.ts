/**
 * Fair scheduling between brands, measured through the API (docs/performance.md, Fair scheduling):
 * a small order's time to `completed` on an idle stack and while another brand runs heavy orders,
 * and how fast two brands' heavy orders generate when one brand has three and the other one.
 * `BENCH_FAIRNESS_HEAVY` sets the codes per heavy order (default 100,000, the largest with images);
 * `node dist/bench/fairness.js` runs this part alone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Stack } from '../test/support/stack';
import { startTestTemporal } from '../test/support/temporal-server';
import { log, median, peakRssMiB, repeat, round, timed } from './stats';
import { api, createWorkorder, type Auth } from './workorders';

const SMALL = 100;
const HEAVY = Number(process.env.BENCH_FAIRNESS_HEAVY ?? 100_000);
/** The scenario: another brand's four heavy orders. */
const HEAVY_ORDERS_UNDER_LOAD = 4;
/** The race: three heavy orders of one brand against one of another. */
const RACE_ORDERS = [3, 1];
const SMALL_POLL_MS = 25;
const RACE_POLL_MS = 200;

export interface FairnessFigures {
  smallCodes: number;
  heavyCodes: number;
  runs: number;
  /** Median seconds from create to `completed` on the idle stack. */
  idleSeconds: number;
  /** The same while another brand's heavy orders generate. */
  loadedSeconds: number;
  /** Whether all the heavy orders were still generating when the last loaded run finished. */
  loadHeld: boolean;
  /** Seconds until each brand of the race had generated `heavyCodes` in all (3 orders, then 1). */
  raceSeconds: number[];
  /** The slower brand's time over the faster's: 1 when both progress at the same rate. */
  progressRatio: number;
  workerPeakRssMiB: number;
}

interface Order {
  id: number;
  auth: Auth;
}

async function order(stack: Stack, auth: Auth, quantity: number): Promise<Order> {
  const created = await createWorkorder(stack, auth, quantity);
  if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
  return { id: created.body.id as number, auth };
}

async function detail(stack: Stack, { id, auth }: Order): Promise<Record<string, unknown>> {
  const { body } = await api(stack, auth, 'GET', `/api/v2/workorders/${id}/`);
  if (body.failure) throw new Error(`workorder ${id} failed: ${String(body.failure)}`);
  return body;
}

const codesGenerated = (body: Record<string, unknown>) =>
  (body.progress as { codes_generated: number }).codes_generated;

/** Seconds from create to `completed` (the zip built; no download). */
function timeToCompleted(stack: Stack, auth: Auth, quantity: number): Promise<number> {
  return timed(async () => {
    const created = await order(stack, auth, quantity);
    while ((await detail(stack, created)).state !== 'completed') {
      await new Promise((r) => setTimeout(r, SMALL_POLL_MS));
    }
  });
}

const heavyOrders = (stack: Stack, auth: Auth, count: number) =>
  Promise.all(Array.from({ length: count }, () => order(stack, auth, HEAVY)));

/** Starts every brand's heavy orders together; seconds until each brand has generated HEAVY codes. */
async function race(stack: Stack, brands: Auth[]): Promise<{ seconds: number[]; orders: Order[] }> {
  const orders: Order[][] = [];
  for (const [i, auth] of brands.entries()) {
    orders.push(await heavyOrders(stack, auth, RACE_ORDERS[i]));
  }
  const start = Date.now();
  const seconds: Array<number | undefined> = brands.map(() => undefined);
  while (seconds.some((s) => s === undefined)) {
    await new Promise((r) => setTimeout(r, RACE_POLL_MS));
    for (const [i, own] of orders.entries()) {
      if (seconds[i] !== undefined) continue;
      const generated = (await Promise.all(own.map((o) => detail(stack, o)))).map(codesGenerated);
      if (generated.reduce((a, b) => a + b, 0) >= HEAVY) seconds[i] = (Date.now() - start) / 1000;
    }
  }
  return { seconds: seconds as number[], orders: orders.flat() };
}

/** Cancels orders still running, so the next part starts with their brand's work gone. */
async function cancel(stack: Stack, orders: Order[]): Promise<void> {
  for (const o of orders) {
    await api(stack, o.auth, 'POST', `/api/v2/workorders/${o.id}/cancel/`, { reason: 'benchmark part over' });
  }
}

export async function benchFairness(stack: Stack, runs: number): Promise<FairnessFigures> {
  // Four brands: one with small orders, one loading the stack, two racing.
  const worker = await stack.restartWorker();
  const [small, load, ...racing] = await Promise.all(
    [0, 1, 2, 3].map(async (i): Promise<Auth> => {
      const brand = await stack.fixtures.brandOwner(`Fairness brand ${i}`);
      return { token: brand.token, templateId: (await stack.fixtures.sidTemplate(brand.company, 'T')).id };
    }),
  );
  await timeToCompleted(stack, small, SMALL); // warm-up: the first order starts the worker's machinery
  const idle = await repeat(runs, () => timeToCompleted(stack, small, SMALL));
  log(`fairness: ${SMALL} codes on an idle stack: ${idle.map((s) => s.toFixed(2)).join(', ')} s`);

  const loadOrders = await heavyOrders(stack, load, HEAVY_ORDERS_UNDER_LOAD);
  const loaded = await repeat(runs, () => timeToCompleted(stack, small, SMALL));
  const states = await Promise.all(loadOrders.map(async (o) => (await detail(stack, o)).state));
  const loadHeld = states.every((state) => state !== 'completed');
  log(`fairness: ${SMALL} codes under load: ${loaded.map((s) => s.toFixed(2)).join(', ')} s`);
  await cancel(stack, loadOrders);

  const { seconds: raceSeconds, orders } = await race(stack, racing);
  log(`fairness: ${RACE_ORDERS.join(' vs ')} orders of ${HEAVY} codes, to ${HEAVY} codes: ${raceSeconds} s`);
  const workerPeakRssMiB = peakRssMiB(worker);
  await cancel(stack, orders);
  return {
    smallCodes: SMALL,
    heavyCodes: HEAVY,
    runs,
    idleSeconds: median(idle),
    loadedSeconds: median(loaded),
    loadHeld,
    raceSeconds,
    progressRatio: Math.max(...raceSeconds) / Math.min(...raceSeconds),
    workerPeakRssMiB,
  };
}

const smallLimit = (f: FairnessFigures) => 3 * f.idleSeconds + 1;

export function fairnessTargets(f: FairnessFigures) {
  return [
    {
      name: `${SMALL} codes while another brand runs ${HEAVY_ORDERS_UNDER_LOAD} heavy orders`,
      measured: `${round(f.loadedSeconds)} s (idle ${round(f.idleSeconds)} s)${f.loadHeld ? '' : ', load ended early'}`,
      target: `≤ 3× idle + 1 s (${round(smallLimit(f))} s)`,
      met: f.loadHeld && f.loadedSeconds <= smallLimit(f),
    },
    {
      name: "two brands' heavy orders, progress rates",
      measured: `${round(f.progressRatio)}×`,
      target: '≤ 1.2×',
      met: f.progressRatio <= 1.2,
    },
  ];
}

export function fairnessLines(f: FairnessFigures): string[] {
  const n = (v: number) => v.toLocaleString('en-US');
  return [
    `| ${n(f.smallCodes)} codes create → completed: idle; while another brand runs ${HEAVY_ORDERS_UNDER_LOAD} × ${n(f.heavyCodes)} | ${round(f.idleSeconds)} s; ${round(f.loadedSeconds)} s (${round(f.loadedSeconds / f.idleSeconds, 1)}×) |`,
    `| Brands with ${RACE_ORDERS.join(' and ')} orders of ${n(f.heavyCodes)}: seconds to ${n(f.heavyCodes)} codes each | ${f.raceSeconds.map((s) => round(s, 1)).join(' and ')} s (${round(f.progressRatio)}×); worker peak RSS ${Math.round(f.workerPeakRssMiB)} MiB |`,
  ];
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-temporal-'));
  const server = await startTestTemporal(path.join(dir, 'temporal.db'));
  const stack = await Stack.create({
    temporalAddress: server.address,
    env: { THROTTLE_PER_MINUTE: '100000000' },
  });
  try {
    await stack.start();
    const figures = await benchFairness(stack, Number(process.env.BENCH_RUNS ?? 3));
    console.log(JSON.stringify(figures, null, 2));
    console.log(['| Measure | Result |', '| --- | --- |', ...fairnessLines(figures)].join('\n'));
    for (const t of fairnessTargets(figures)) {
      console.log(`${t.name}: ${t.measured}, goal ${t.target}: ${t.met ? 'met' : 'NOT met'}`);
    }
  } finally {
    await stack.stop();
    await server.teardown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
