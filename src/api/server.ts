import type { Server } from 'node:http';
import { CodePermutation } from '../codes/permutation';
import { loadConfig, resolveSecrets, temporalAddress, type Config } from '../config';
import { createLocalArtifactStore } from '../storage/artifacts';
import { openStore, repositories } from '../store';
import { createApp } from './app';
import type { ApiDeps } from './context';
import { createLinkSigner } from './links';
import { createWorkflowGateway } from './temporal';
import { reconcileUnstarted } from './workflow-start';

const RECONCILE_EVERY_MS = 30_000;

export async function startApi(config: Config): Promise<{ server: Server; stop(): Promise<void> }> {
  const secrets = resolveSecrets(config);
  const store = await openStore(config.databaseUrl);
  const repos = repositories(store);
  const gateway = createWorkflowGateway({
    address: temporalAddress(config),
    namespace: config.temporal.namespace,
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
    permutation: new CodePermutation(secrets.codeKey),
    artifacts: createLocalArtifactStore(config.artifactsDir),
  };
  const app = createApp(deps);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  // Idle keep-alive sockets outlive a client's pool (and a load balancer's, typically 60 s), so a
  // client never sends on a socket the server is closing.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  console.log(`api: listening on ${config.publicUrl} (Temporal at ${temporalAddress(config)})`);

  // Rows whose workflow start was cut short (a crash between insert and start) get their workflow.
  const reconcile = () =>
    reconcileUnstarted(deps)
      .then((n) => n > 0 && console.log(`api: started ${n} workflow(s) left unstarted`))
      .catch((err: unknown) =>
        console.error('api: reconcile failed:', err instanceof Error ? err.message : err),
      );
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
      const force = setTimeout(() => server.closeAllConnections(), 10_000);
      await closed;
      clearTimeout(force);
      await gateway.close();
      await store.close();
    },
  };
}

if (require.main === module) {
  startApi(loadConfig())
    .then(({ stop }) => {
      let stopping = false;
      const shutdown = () => {
        if (stopping) return;
        stopping = true;
        console.log('api: shutting down');
        stop()
          .then(() => process.exit(0))
          .catch(() => process.exit(1));
      };
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
    })
    .catch((err: unknown) => {
      console.error('api: failed to start:', err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
