import http from 'node:http';
import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { Config } from '../config';
import { freePort } from '../free-port';
import type { Logger } from './logger';
import type { WorkerMetrics } from './worker-metrics';

const SDK_SCRAPE_TIMEOUT_MS = 2000;
const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * The SDK's logger interface over pino: workflow logs (`log` from @temporalio/workflow), activity
 * logs, the worker's own and Core's (forwarded) all come out as the same JSON lines.
 */
export class PinoSdkLogger implements SdkLogger {
  constructor(private readonly logger: Logger) {}
  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    this.logger[PINO_LEVEL[level]]({ ...meta }, message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/**
 * Installs the Temporal Runtime before any connection is made. With metrics on, the SDK's
 * Prometheus exporter listens on a private loopback port; the worker's endpoint (serveWorkerEndpoints)
 * serves its output together with the project's metrics, so operators scrape one port.
 * Returns the URL of the SDK's exporter, if any.
 */
export async function installWorkerRuntime(config: Config, logger: Logger): Promise<string | undefined> {
  const sdkPort = config.workerMetricsPort > 0 ? await freePort() : undefined;
  Runtime.install({
    logger: new PinoSdkLogger(logger),
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      ...(sdkPort ? { metrics: { prometheus: { bindAddress: `127.0.0.1:${sdkPort}` } } } : {}),
    },
  });
  return sdkPort ? `http://127.0.0.1:${sdkPort}/metrics` : undefined;
}

/** Anything with a Temporal Worker's state: ready only while every one of them is RUNNING. */
interface Stateful {
  getState(): string;
}

export class WorkerHealth {
  private readonly workers = new Map<string, Stateful | undefined>();
  private stopping = false;

  constructor(names: string[]) {
    for (const name of names) this.workers.set(name, undefined);
  }
  track(name: string, worker: Stateful): void {
    this.workers.set(name, worker);
  }
  shuttingDown(): void {
    this.stopping = true;
  }
  status(): { ready: boolean; workers: Record<string, string> } {
    const workers = Object.fromEntries(
      [...this.workers].map(([name, w]) => [name, w ? w.getState() : 'STARTING']),
    );
    const ready = !this.stopping && Object.values(workers).every((s) => s === 'RUNNING');
    return { ready, workers };
  }
}

export interface WorkerEndpointOptions {
  host: string;
  port: number;
  logger: Logger;
  metrics: WorkerMetrics;
  health: WorkerHealth;
  /** The SDK exporter's URL from installWorkerRuntime. */
  sdkMetricsUrl: string | undefined;
}

async function sdkMetrics(url: string | undefined, logger: Logger): Promise<string> {
  if (!url) return '';
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(SDK_SCRAPE_TIMEOUT_MS) });
    return res.ok ? await res.text() : '';
  } catch (err) {
    logger.warn({ err }, 'worker: the SDK metrics exporter did not answer');
    return '';
  }
}

/**
 * `/metrics` (the project's counters, then the SDK's), `/healthz` (the process answers) and
 * `/readyz` (both Temporal workers RUNNING, not shutting down). A port already taken is logged
 * and the worker runs on without the endpoint: metrics must never stop code generation.
 */
export async function serveWorkerEndpoints(
  opts: WorkerEndpointOptions,
): Promise<{ close(): Promise<void> } | undefined> {
  const { logger, metrics, health } = opts;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const answer = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    const json = (status: number, body: unknown) => answer(status, 'application/json', JSON.stringify(body));
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { detail: 'Method not allowed.' });
    if (path === '/healthz') return json(200, { status: 'ok' });
    if (path === '/readyz') {
      const status = health.status();
      return json(status.ready ? 200 : 503, status);
    }
    if (path === '/metrics') {
      Promise.all([metrics.registry.metrics(), sdkMetrics(opts.sdkMetricsUrl, logger)])
        .then(([own, sdk]) => answer(200, metrics.registry.contentType, `${own}\n${sdk}`))
        .catch((err: unknown) => {
          logger.error({ err }, 'worker: metrics failed');
          json(500, { detail: 'Internal server error.' });
        });
      return;
    }
    json(404, { detail: 'Not found.' });
  });
  server.keepAliveTimeout = 65_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => resolve());
    });
  } catch (err) {
    logger.error({ err, port: opts.port }, 'worker: metrics and health endpoint could not listen');
    return undefined;
  }
  logger.info({ host: opts.host, port: opts.port }, 'worker: metrics and health endpoint listening');
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
