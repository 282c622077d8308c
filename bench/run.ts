/**
 * `npm run bench`: rendering, end-to-end, CSV-only scale, API and fairness figures, each the median
 * of BENCH_RUNS runs (default 3), every ratio measured side by side in the same run. Writes
 * bench/results/latest.json and prints a Markdown table. See docs/performance.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CodePermutation } from '../src/codes/permutation';
import { ALL_WORKORDER_PERMISSIONS } from '../test/support/fixtures';
import { Stack } from '../test/support/stack';
import { startTestTemporal } from '../test/support/temporal-server';
import { loadInChild, type LoadFigures } from './api-load';
import { bareWorkorder } from './bare';
import { benchFairness, fairnessLines, fairnessTargets } from './fairness';
import { benchGenerator, type GeneratorFigures } from './generator';
import { benchRendering, type RenderFigures } from './render';
import { log, median, peakRssMiB, repeat, round } from './stats';
import { verifyLoad, type VerifyFigures } from './verify';
import { benchWebhooks, WEBHOOK_BENCH_ENV, webhookLines } from './webhooks';
import { workflowHistories, workorderEndToEnd, type Auth, type RunHistory } from './workorders';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
const CLIENTS = 32;
const RESULTS = path.resolve(__dirname, '../../bench/results/latest.json');

interface ScaleFigures {
  quantity: number;
  runs: number;
  endToEndSeconds: number;
  bareSeconds: number | null;
  ratio: number | null;
  workerPeakRssMiB: number;
  zipBytes: number;
  historyRuns: number;
  maxEventsPerRun: number;
  maxHistoryBytesPerRun: number;
  histories: RunHistory[];
}

async function scale(
  stack: Stack,
  auth: Auth,
  address: string,
  permutation: CodePermutation,
  quantity: number,
  withBare: boolean,
): Promise<ScaleFigures> {
  const samples = await repeat(RUNS, async (run) => {
    // A fresh worker per run, so its VmHWM is this order's peak.
    const worker = await stack.restartWorker();
    const e2e = await workorderEndToEnd(stack, auth, quantity);
    const rss = peakRssMiB(worker);
    const histories = await workflowHistories(address, e2e.id);
    const bare = withBare ? await bareWorkorder(permutation, quantity) : null;
    log(
      `${quantity} codes run ${run + 1}: e2e ${e2e.seconds.toFixed(1)} s, bare ${bare?.toFixed(1)} s, RSS ${rss.toFixed(0)} MiB, ${histories.length} runs`,
    );
    return { ...e2e, rss, histories, bare };
  });
  const last = samples[samples.length - 1];
  return {
    quantity,
    runs: RUNS,
    endToEndSeconds: median(samples.map((s) => s.seconds)),
    bareSeconds: withBare ? median(samples.flatMap((s) => s.bare ?? [])) : null,
    ratio: withBare ? median(samples.flatMap((s) => (s.bare === null ? [] : [s.seconds / s.bare]))) : null,
    workerPeakRssMiB: Math.max(...samples.map((s) => s.rss)),
    zipBytes: last.zipBytes,
    historyRuns: last.histories.length,
    maxEventsPerRun: Math.max(...samples.flatMap((s) => s.histories.map((h) => h.events))),
    maxHistoryBytesPerRun: Math.max(...samples.flatMap((s) => s.histories.map((h) => h.bytes))),
    histories: last.histories,
  };
}

/** A process's peak resident set so far (VmHWM), in MiB. */
async function apiLoad(stack: Stack, auth: Auth): Promise<{ get: LoadFigures; create: LoadFigures }> {
  await stack.restartWorker();
  const { id } = await workorderEndToEnd(stack, auth, 10);
  const headers = { Authorization: `UAT ${auth.token}`, 'Content-Type': 'application/json' };
  const common = { headers, clients: CLIENTS, seconds: LOAD_SECONDS, warmUpSeconds: 1, runs: RUNS };
  const gets = await loadInChild({
    ...common,
    url: `${stack.baseUrl}/api/v2/workorders/${id}/`,
    method: 'GET',
    okStatus: 200,
  });
  const creates = await loadInChild({
    ...common,
    url: `${stack.baseUrl}/api/v2/workorders/create-from-template/`,
    method: 'POST',
    body: JSON.stringify({ template: auth.templateId, quantity: '1' }),
    okStatus: 201,
  });
  const pick = (all: LoadFigures[]): LoadFigures => ({
    requests: median(all.map((f) => f.requests)),
    errors: Math.max(...all.map((f) => f.errors)),
    perSecond: median(all.map((f) => f.perSecond)),
    p50Ms: median(all.map((f) => f.p50Ms)),
    p99Ms: median(all.map((f) => f.p99Ms)),
  });
  log(`api: ${JSON.stringify({ gets, creates })}`);
  return { get: pick(gets), create: pick(creates) };
}

function machine() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  return {
    cores: os.cpus().length,
    cpuModel: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
}

interface Target {
  name: string;
  measured: string;
  target: string;
  met: boolean;
}

function targets(
  r: RenderFigures,
  scales: ScaleFigures[],
  load: { get: LoadFigures },
  verify: VerifyFigures,
): Target[] {
  const [e2e100k, csv1m] = scales;
  const peak = Math.max(...scales.map((s) => s.workerPeakRssMiB));
  const events = Math.max(...scales.map((s) => s.maxEventsPerRun));
  return [
    {
      name: 'rendering vs qrcode.toBuffer loop',
      measured: `${round(r.poolVsNaive, 1)}×`,
      target: '≥ 10×',
      met: r.poolVsNaive >= 10,
    },
    {
      name: `rendering vs ${r.nativeRenderer} (all cores)`,
      measured: `${round(r.poolVsNative)}×`,
      target: '≥ 0.5×',
      met: r.poolVsNative >= 0.5,
    },
    {
      name: '100,000 codes end to end / bare render+zip',
      measured: `${round(e2e100k.ratio ?? NaN)}×`,
      target: '≤ 1.3×',
      met: (e2e100k.ratio ?? Infinity) <= 1.3,
    },
    {
      name: '1,000,000 CSV-only end to end / bare CSV+zip',
      measured: `${round(csv1m.ratio ?? NaN)}×`,
      target: '≤ 1.5×',
      met: (csv1m.ratio ?? Infinity) <= 1.5,
    },
    {
      name: 'worker peak RSS, every size',
      measured: `${Math.round(peak)} MiB`,
      target: '≤ 512 MiB',
      met: peak <= 512,
    },
    { name: 'history events per run', measured: `${events}`, target: '< 10,000', met: events < 10_000 },
    {
      name: `GET /workorders/{id}/ p99 at ${CLIENTS} clients`,
      measured: `${round(load.get.p99Ms, 1)} ms`,
      target: '≤ 50 ms',
      met: load.get.p99Ms <= 50,
    },
    {
      name: 'POST /codes/verify/, one API process',
      measured: `${Math.round(verify.idsPerSecond).toLocaleString('en-US')} IDs/s`,
      target: '≥ 50,000 IDs/s',
      met: verify.idsPerSecond >= 50_000 && verify.errors === 0,
    },
  ];
}

function markdown(
  r: RenderFigures,
  scales: ScaleFigures[],
  load: { get: LoadFigures; create: LoadFigures },
  verify: VerifyFigures,
  t: Target[],
  fairness: string[],
): string {
  const n = (v: number, d = 0) =>
    v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const lines = [
    `| Measure (median of ${RUNS} runs) | Result |`,
    '| --- | --- |',
    `| Render pool, ${n(r.codes)} codes → PNG, ${r.threads} threads | ${n(r.poolCodesPerSecond)} codes/s |`,
    `| qrcode.toBuffer loop (${n(r.naiveCodes)} codes) | ${n(r.naiveCodesPerSecond)} codes/s |`,
    `| ${r.nativeRenderer} --batch, one process | ${n(r.zintCodesPerSecond)} codes/s |`,
    `| ${r.nativeRenderer} --batch, one process per core | ${n(r.zintParallelCodesPerSecond)} codes/s |`,
  ];
  for (const s of scales) {
    const what = s.quantity <= 100_000 ? 'with PNGs' : 'CSV only';
    lines.push(
      `| ${n(s.quantity)} codes ${what}: create → zip downloaded | ${n(s.endToEndSeconds, 1)} s` +
        (s.bareSeconds !== null ? ` (bare ${n(s.bareSeconds, 1)} s, ${n(s.ratio ?? NaN, 2)}×)` : '') +
        ` |`,
      `| ${n(s.quantity)} codes: worker peak RSS; history runs, max events / bytes per run | ${n(s.workerPeakRssMiB)} MiB; ${s.historyRuns} runs, ${n(s.maxEventsPerRun)} events / ${n(s.maxHistoryBytesPerRun / 1024)} KiB |`,
    );
  }
  lines.push(
    `| GET /workorders/{id}/ at ${CLIENTS} clients | ${n(load.get.perSecond)} req/s, p50 ${n(load.get.p50Ms, 1)} ms, p99 ${n(load.get.p99Ms, 1)} ms |`,
    `| POST create-from-template at ${CLIENTS} clients | ${n(load.create.perSecond)} req/s, p50 ${n(load.create.p50Ms, 1)} ms, p99 ${n(load.create.p99Ms, 1)} ms |`,
    ...fairness,
    `| POST /codes/verify/, ${n(verify.idsPerRequest)} IDs, ${verify.clients} clients | ${n(verify.idsPerSecond)} IDs/s, p50 ${n(verify.p50Ms, 1)} ms, p99 ${n(verify.p99Ms, 1)} ms |`,
    '',
    '| Target | Measured | Goal | Met |',
    '| --- | --- | --- | --- |',
    ...t.map((x) => `| ${x.name} | ${x.measured} | ${x.target} | ${x.met ? 'yes' : 'NO'} |`),
  );
  return lines.join('\n');
}

/** The offline generator's figures (docs/generator.md, Speed and memory). */
function generatorLine(g: GeneratorFigures): string {
  const million = g.million
    ? `; 1,000,000 codes in ${g.million.seconds} s (${g.million.codesPerSecond} codes/s, ${g.million.vsNaive}× the naive loop), peak RSS ${g.million.peakRssMiB} MiB`
    : '';
  return `Generator: ${g.generatorCodesPerSecond} PNG files/s on ${g.threads} threads, ${g.generatorVsNaive}× the naive qrcode.toBuffer loop (${g.naiveCodesPerSecond}/s; fastest run ${g.generatorBestCodesPerSecond}/s)${million}`;
}

async function main(): Promise<void> {
  const started = Date.now();
  const permutation = new CodePermutation(randomBytes(32));
  log('batch rendering');
  const render = await benchRendering({ permutation, runs: RUNS, codes: 10_000, naiveCodes: 2_000 });
  log('offline generator');
  const generator = await benchGenerator({
    runs: RUNS,
    codes: 20_000,
    naiveCodes: 2_000,
    million: process.env.BENCH_GENERATOR_MILLION !== '0',
  });
  log('starting Temporal dev server');
  const temporalDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-temporal-'));
  const temporal = await startTestTemporal(path.join(temporalDir, 'temporal.db'));
  // The per-token policy limit would cap the load test, which measures capacity.
  const stack = await Stack.create({
    temporalAddress: temporal.address,
    env: { THROTTLE_PER_MINUTE: '100000000', ...WEBHOOK_BENCH_ENV },
  });
  try {
    await stack.start();
    const brand = await stack.fixtures.brandOwner('Bench Brand', [
      ...ALL_WORKORDER_PERMISSIONS,
      'webhook_manage',
    ]);
    const auth: Auth = {
      token: brand.token,
      templateId: (await stack.fixtures.sidTemplate(brand.company, 'T')).id,
    };
    const sizes: Array<[number, boolean]> = [
      [100_000, true],
      [1_000_000, true],
      [Number(process.env.BENCH_LARGEST ?? 10_000_000), false],
    ];
    const scales: ScaleFigures[] = [];
    for (const [quantity, withBare] of sizes) {
      log(`workorder of ${quantity} codes`);
      scales.push(await scale(stack, auth, temporal.address, permutation, quantity, withBare));
    }
    log('API load');
    const load = await apiLoad(stack, auth);
    log('code verify');
    const verify = await verifyLoad(stack, auth, LOAD_SECONDS, RUNS);
    log('fair scheduling between brands');
    const fairness = await benchFairness(stack, RUNS);
    log('webhook delivery latency');
    const webhooks = await benchWebhooks(stack, auth);
    const t = [...targets(render, scales, load, verify), ...fairnessTargets(fairness)];
    const results = {
      date: new Date().toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
      machine: machine(),
      runs: RUNS,
      render,
      generator,
      workorders: scales,
      api: { clients: CLIENTS, seconds: LOAD_SECONDS, ...load },
      verify,
      fairness,
      webhooks,
      targets: t,
    };
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.writeFileSync(`${RESULTS}.tmp`, JSON.stringify(results, null, 2) + '\n');
    fs.renameSync(`${RESULTS}.tmp`, RESULTS);
    const m = results.machine;
    console.log(`Machine: ${m.cores} cores, ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}\n`);
    console.log(
      markdown(render, scales, load, verify, t, [...fairnessLines(fairness), ...webhookLines(webhooks)]),
    );
    console.log(`\n${generatorLine(generator)}`);
    console.log(`\n(${results.durationSeconds} s; written to bench/results/latest.json)`);
  } finally {
    await stack.destroy();
    await temporal.teardown();
    fs.rmSync(temporalDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
