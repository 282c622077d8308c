/**
 * Closed-loop load: N clients on loopback, each sending its next request when the last returns.
 * The clients run in a child process of their own (`loadInChild`), like a separate load tool, so
 * the benchmark's own heap (minutes of rendering and zips) does not pause the measured requests.
 */
import { spawn } from 'node:child_process';
import { percentile } from './stats';

export interface LoadFigures {
  requests: number;
  errors: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export async function closedLoop(
  clients: number,
  seconds: number,
  request: () => Promise<number>,
  okStatus: number,
): Promise<LoadFigures> {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const client = async () => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      let status = 0;
      try {
        status = await request();
      } catch {
        status = -1;
      }
      latencies.push(performance.now() - sent);
      if (status !== okStatus) errors++;
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    perSecond: latencies.length / elapsed,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

/** One request, repeated by every client: the whole response body is read, as a client would. */
export interface LoadSpec {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  okStatus: number;
  clients: number;
  seconds: number;
  /** A first, unmeasured run, so connections and the server's code paths are warm. */
  warmUpSeconds: number;
  /** Measured runs, one after the other. */
  runs: number;
}

async function runSpec(spec: LoadSpec): Promise<LoadFigures[]> {
  const once = async () => {
    const res = await fetch(spec.url, { method: spec.method, headers: spec.headers, body: spec.body });
    await res.text();
    return res.status;
  };
  await closedLoop(spec.clients, spec.warmUpSeconds, once, spec.okStatus);
  const figures: LoadFigures[] = [];
  for (let run = 0; run < spec.runs; run++) {
    figures.push(await closedLoop(spec.clients, spec.seconds, once, spec.okStatus));
  }
  return figures;
}

/**
 * Runs the load from a fresh Node process and returns the figures of each measured run. The spec
 * goes on the child's stdin: a body of 10,000 IDs is more than one argument may hold (128 KiB).
 */
export function loadInChild(spec: LoadSpec): Promise<LoadFigures[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [__filename], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdin.end(JSON.stringify(spec));
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as LoadFigures[])
        : reject(new Error(`load client exited ${code}`)),
    );
  });
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += (chunk as Buffer).toString();
  return text;
}

if (require.main === module) {
  readStdin()
    .then((text) => runSpec(JSON.parse(text) as LoadSpec))
    .then((figures) => process.stdout.write(JSON.stringify(figures)))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
