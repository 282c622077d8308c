import './observability/tracing-worker';
import fs from 'node:fs';
import path from 'node:path';
import type { Duration } from '@temporalio/common';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { createCodegenActivities, createOrchestrationActivities } from './activities';
import { createLinkSigner } from './api/links';
import { CodePermutation } from './codes/permutation';
import { createRenderPool } from './codes/render-pool';
import { deriveSecureGraphicKey } from './codes/secure-graphic';
import { loadConfig, resolveSecrets, type Config } from './config';
import { createMailer } from './mail/mailer';
import { createLogger, lifecycle, type Logger } from './observability/logger';
import { createWorkerMetrics } from './observability/worker-metrics';
import { keepFilesPrivate } from './private-files';
import { installWorkerRuntime, serveWorkerEndpoints, WorkerHealth } from './observability/worker-telemetry';
import { createArtifactStore } from './storage';
import { openStore, repositories } from './store';
import { ensureRetentionSchedule } from './retention-schedule';
import {
  connectClient,
  connectNative,
  describeSecurity,
  temporalConnectionSettings,
  type TemporalConnectionSettings,
} from './temporal-connection';
import { GENERATOR } from './version';
import {
  activityTracingInterceptors,
  currentTracing,
  workflowTracingSinks,
  WORKFLOW_TRACING_MODULE,
} from './observability/tracing';
import { createSecretBox } from './webhooks/secret-box';

/**
 * Production workers load the prebuilt bundle (the tracing interceptors bundled in); from sources,
 * the workflows and those interceptors are bundled at start.
 */
function workflowSource(): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> & {
  workflowModules: string[];
} {
  const bundle = path.resolve(__dirname, '../workflow-bundle.js');
  if (fs.existsSync(bundle)) return { workflowBundle: { codePath: bundle }, workflowModules: [] };
  return { workflowsPath: require.resolve('./workflows'), workflowModules: [WORKFLOW_TRACING_MODULE] };
}

/**
 * The retention sweep's Temporal Schedule, created or updated at every start. A refusal (a namespace
 * where this identity may not manage schedules) is logged as an error, not fatal: the workers still
 * serve workorders, and an operator can create the schedule (docs/operations.md, Retention).
 */
async function scheduleRetention(
  config: Config,
  temporal: TemporalConnectionSettings,
  logger: Logger,
): Promise<void> {
  try {
    const client = await connectClient(temporal);
    try {
      const scheduleId = await ensureRetentionSchedule(client, {
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        everyMs: config.retentionSweepEveryMs,
      });
      lifecycle(logger).info({ scheduleId }, `worker: retention sweep scheduled (${scheduleId})`);
    } finally {
      await client.close();
    }
  } catch (err) {
    logger.error({ err }, 'worker: the retention sweep schedule could not be created or updated');
  }
}

/** `sdkMetricsUrl`: the SDK's Prometheus exporter installed by installWorkerRuntime, if any. */
export async function runWorker(
  config: Config,
  logger: Logger = createLogger(config, 'worker'),
  sdkMetricsUrl?: string,
): Promise<void> {
  const secrets = resolveSecrets(config);
  const temporal = temporalConnectionSettings(config);
  const store = await openStore(config.databaseUrl);
  const repos = repositories(store);
  const renderPool = createRenderPool({ threads: config.renderThreads });
  const metrics = createWorkerMetrics();
  const health = new WorkerHealth([config.temporal.taskQueue, config.temporal.codegenTaskQueue]);
  // The Runtime's shutdown signals: it stops the workers; this only marks and logs it.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGUSR2'] as const) {
    process.once(signal, () => {
      health.shuttingDown();
      lifecycle(logger).info(
        { signal, graceTime: config.workerShutdownGrace },
        'worker: shutting down; running activities finish or are handed back',
      );
    });
  }
  const endpoints =
    config.workerMetricsPort > 0
      ? await serveWorkerEndpoints({
          host: config.workerMetricsHost,
          port: config.workerMetricsPort,
          logger,
          metrics,
          health,
          sdkMetricsUrl,
        })
      : undefined;
  const mailer = metrics.countingMailer(
    createMailer({
      smtpUrl: config.smtpUrl,
      outboxDir: config.outboxDir,
      from: config.mailFrom,
    }),
  );

  const artifacts = await createArtifactStore(config.artifactStore);
  const connection = await connectNative(temporal);
  try {
    await scheduleRetention(config, temporal, logger);
    const { workflowModules, ...source } = workflowSource();
    const orchestration = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      ...source,
      activities: createOrchestrationActivities({
        repos,
        mailer,
        publicUrl: config.publicUrl,
        artifacts,
        idempotencyTtlMs: config.idempotencyTtlMs,
        artifactRetentionMs: config.artifactRetentionMs,
        links: createLinkSigner(secrets.linkSecret, config.publicUrl),
        taskQueue: config.temporal.taskQueue,
        webhooks: config.webhooks,
        webhookSecrets: createSecretBox(secrets.linkSecret),
      }),
      interceptors: {
        activity: [metrics.activityInterceptors, activityTracingInterceptors],
        workflowModules,
      },
      sinks: workflowTracingSinks(),
      shutdownGraceTime: config.workerShutdownGrace as Duration,
    });
    health.track(config.temporal.taskQueue, orchestration);
    const codegen = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.codegenTaskQueue,
      activities: createCodegenActivities({
        repos,
        artifacts,
        renderPool,
        permutation: new CodePermutation(secrets.codeKey),
        secureGraphicKey: deriveSecureGraphicKey(secrets.codeKey),
        generator: GENERATOR,
      }),
      // Admission, not scheduling: the render pool serves companies in turn, so these slots must
      // not all go to one company's orders (sixteen workorders' windows; a waiting image batch
      // holds only its rows). Past them, Temporal's fairness picks the next task by company.
      maxConcurrentActivityTaskExecutions: Math.max(2, config.batchWindow) * 16,
      interceptors: { activity: [metrics.activityInterceptors, activityTracingInterceptors] },
      shutdownGraceTime: config.workerShutdownGrace as Duration,
    });
    health.track(config.temporal.codegenTaskQueue, codegen);
    lifecycle(logger).info(
      {
        taskQueues: [config.temporal.taskQueue, config.temporal.codegenTaskQueue],
        temporalSecurity: describeSecurity(temporal),
      },
      `worker: polling ${config.temporal.taskQueue} and ${config.temporal.codegenTaskQueue} on ${temporal.address}`,
    );
    // Runtime's default shutdown signals (SIGINT, SIGTERM) stop both workers; run() then resolves.
    await Promise.all([orchestration.run(), codegen.run()]);
  } finally {
    await connection.close();
    await renderPool.close();
    mailer.close();
    await store.close();
    await endpoints?.close();
    await currentTracing().shutdown();
  }
  lifecycle(logger).info('worker: stopped');
}

if (require.main === module) {
  const config = loadConfig();
  const logger = createLogger(config, 'worker');
  const privacyWarning = keepFilesPrivate(config.dataDir);
  if (privacyWarning) logger.warn(privacyWarning);
  installWorkerRuntime(config, logger)
    .then((sdkMetricsUrl) => runWorker(config, logger, sdkMetricsUrl))
    .catch((err: unknown) => {
      logger.fatal({ err }, 'worker: failed');
      process.exit(1);
    });
}
