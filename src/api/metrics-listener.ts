import http from 'node:http';
import type { Logger } from '../observability/logger';
import type { ApiMetrics } from '../observability/metrics';

/**
 * The API's `/metrics` on a listener of its own (API_METRICS_HOST:API_METRICS_PORT, loopback by
 * default), never on the public port: request counts and workorder totals are for the operators'
 * scraper only. A port already taken is logged and the API serves on without it.
 */
export async function serveApiMetrics(opts: {
  host: string;
  port: number;
  metrics: ApiMetrics;
  logger: Logger;
}): Promise<{ close(): Promise<void> } | undefined> {
  const { metrics, logger } = opts;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const answer = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return answer(405, 'application/json', '{"detail":"Method not allowed."}');
    if (path !== '/metrics') return answer(404, 'application/json', '{"detail":"Not found."}');
    metrics.registry
      .metrics()
      .then((text) => answer(200, metrics.registry.contentType, text))
      .catch((err: unknown) => {
        logger.error({ err }, 'api: metrics failed');
        answer(500, 'application/json', '{"detail":"Internal server error."}');
      });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => resolve());
    });
  } catch (err) {
    logger.error({ err, host: opts.host, port: opts.port }, 'api: metrics endpoint could not listen');
    return undefined;
  }
  logger.info({ host: opts.host, port: opts.port }, 'api: metrics endpoint listening');
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
