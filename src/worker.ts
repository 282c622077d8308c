import fs from 'node:fs';
import path from 'node:path';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { activitiesByQueue, createActivities } from './activities';
import { CodePermutation } from './codes/permutation';
import { createRenderPool } from './codes/render-pool';
import { deriveSecureGraphicKey } from './codes/secure-graphic';
import { loadConfig, resolveSecrets, temporalAddress, type Config } from './config';
import { createMailer } from './mail/mailer';
import { createLocalArtifactStore } from './storage/artifacts';
import { openStore, repositories } from './store';
import { GENERATOR } from './version';

/** Production workers load the prebuilt bundle; from sources, the workflows are bundled at start. */
function workflowSource(): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  const bundle = path.resolve(__dirname, '../workflow-bundle.js');
  if (fs.existsSync(bundle)) return { workflowBundle: { codePath: bundle } };
  return { workflowsPath: require.resolve('./workflows') };
}

export async function runWorker(config: Config): Promise<void> {
  const secrets = resolveSecrets(config);
  const store = await openStore(config.databaseUrl);
  const repos = repositories(store);
  const renderPool = createRenderPool({ threads: config.renderThreads });
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    outboxDir: config.outboxDir,
    from: config.mailFrom,
  });
  const activities = createActivities({
    repos,
    artifacts: createLocalArtifactStore(config.artifactsDir),
    mailer,
    renderPool,
    permutation: new CodePermutation(secrets.codeKey),
    secureGraphicKey: deriveSecureGraphicKey(secrets.codeKey),
    publicUrl: config.publicUrl,
    generator: GENERATOR,
  });
  const queues = activitiesByQueue(activities);

  const connection = await NativeConnection.connect({ address: temporalAddress(config) });
  try {
    const orchestration = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      ...workflowSource(),
      activities: queues.orchestration,
      shutdownGraceTime: '20 seconds',
    });
    const codegen = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.codegenTaskQueue,
      activities: queues.codegen,
      maxConcurrentActivityTaskExecutions: Math.max(2, config.batchWindow),
      shutdownGraceTime: '20 seconds',
    });
    console.log(
      `worker: polling ${config.temporal.taskQueue} and ${config.temporal.codegenTaskQueue} on ${temporalAddress(config)}`,
    );
    // Runtime's default shutdown signals (SIGINT, SIGTERM) stop both workers; run() then resolves.
    await Promise.all([orchestration.run(), codegen.run()]);
  } finally {
    await connection.close();
    await renderPool.close();
    mailer.close();
    await store.close();
  }
  console.log('worker: stopped');
}

if (require.main === module) {
  Runtime.install({});
  runWorker(loadConfig()).catch((err: unknown) => {
    console.error('worker: failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
