import '../observability/tracing-api';
import type { Server } from 'node:http';
import { CodePermutation } from '../codes/permutation';
import { loadConfig, resolveSecrets, type Config } from '../config';
import { createLogger, lifecycle, type Logger } from '../observability/logger';
import { createApiMetrics } from '../observability/metrics';
import { currentTracing } from '../observability/tracing';
import { keepFilesPrivate } from '../private-files';
import { workorderCounter } from '../observability/workorder-totals';
import { createArtifactStore } from '../storage';
import { openStore, repositories } from '../store';
import { createApp } from './app';
import type { ApiDeps } from './context';
import { createLinkSigner } from './links';
import { serveApiMetrics } from './metrics-listener';
import { createSecretBox } from '../webhooks/secret-box';
import { createWorkflowGateway } from './temporal';
import { reconcileUnstarted } from '../workorders/service';
import { describeSecurity, temporalConnectionSettings } from '../temporal-connection';

const RECONCILE_EVERY_MS = 30_000;

export async function startApi(
  config: Config,
  logger: Logger = createLogger(config, 'api'),
): Promise<{ server: Server; stop(): Promise<void> }> {
  const secrets = resolveSecrets(config);
  const store = await openStore(config.databaseUrl);
  const repos = repositories(store);
  const temporal = temporalConnectionSettings(config);
  const gateway = createWorkflowGateway({
    temporal,
    taskQueue: config.temporal.taskQueue,
    codegenTaskQueue: config.temporal.codegenTaskQueue,
    batchWindow: config.batchWindow,
    historyEventsPerRun: config.historyEventsPerRun,
  });
  const deps: ApiDeps = {
    config,
    repos,
    gateway,
    links: createLinkSigner(secrets.linkSecret, config.publicUrl),
    webhookSecrets: createSecretBox(secrets.linkSecret),
    permutation: new CodePermutation(secrets.codeKey),
    artifacts: await createArtifactStore(config.artifactStore),
  };
  const metrics = createApiMetrics({
    countWorkorders: workorderCounter(store.db),
    processMetrics: true,
    logger,
  });
  const app = createApp(deps, { logger, metrics });
  const metricsEndpoint =
    config.apiMetricsPort > 0
      ? await serveApiMetrics({ host: config.apiMetricsHost, port: config.apiMetricsPort, metrics, logger })
      : undefined;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  // Idle keep-alive sockets outlive a client's pool (and a load balancer's, typically 60 s), so a
  // client never sends on a socket the server is closing.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  lifecycle(logger).info(
    { url: config.publicUrl, temporal: temporal.address, temporalSecurity: describeSecurity(temporal) },
    `api: listening on ${config.publicUrl}`,
  );

  // Rows whose workflow start was cut short (a crash between insert and start) get their workflow.
  const reconcile = () =>
    reconcileUnstarted(deps)
      .then((n) => n > 0 && logger.info({ started: n }, 'api: started workflows left unstarted'))
      .catch((err: unknown) => logger.error({ err }, 'api: reconcile failed'));
  void reconcile();
  const timer = setInterval(() => void reconcile(), RECONCILE_EVERY_MS);
  timer.unref();

  return {
    server,
    async stop() {
      clearInterval(timer);
      // Stop accepting, let in-flight requests finish, then cut what is left.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // A keep-alive connection turns idle once its last answer is sent; close it then, not 65 s later.
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      const force = setTimeout(() => server.closeAllConnections(), 10_000);
      await closed;
      clearInterval(sweep);
      clearTimeout(force);
      await metricsEndpoint?.close();
      await gateway.close();
      await store.close();
      await currentTracing().shutdown();
    },
  };
}

if (require.main === module) {
  const config = loadConfig();
  const logger = createLogger(config, 'api');
  const privacyWarning = keepFilesPrivate(config.dataDir);
  if (privacyWarning) logger.warn(privacyWarning);
  startApi(config, logger)
    .then(({ stop }) => {
      let stopping = false;
      const shutdown = (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        lifecycle(logger).info({ signal }, 'api: shutting down; finishing requests in flight');
        stop()
          .then(() => {
            lifecycle(logger).info('api: stopped');
            process.exit(0);
          })
          .catch((err: unknown) => {
            logger.error({ err }, 'api: shutdown failed');
            process.exit(1);
          });
      };
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
    })
    .catch((err: unknown) => {
      logger.fatal({ err }, 'api: failed to start');
      process.exit(1);
    });
}
