/** Closed-loop load: N clients on loopback, each sending its next request when the last returns. */
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
