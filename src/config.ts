import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { WebhookRetrySettings } from './shared/webhooks';
import type { S3StoreOptions } from './storage/s3';

const intFrom = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
const duration = (fallback: string) =>
  z
    .string()
    .regex(
      /^\d+(\.\d+)?\s*(ms|milliseconds?|s|seconds?|m|minutes?|h|hours?|d|days?)$/i,
      'a duration like "2 days"',
    )
    .default(fallback);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const flag = z
  .enum(['true', 'false', '1', '0', ''], { error: 'true or false' })
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v === 'true' || v === '1'));

const envSchema = z.object({
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: optionalString,
  HOST: z.string().default('0.0.0.0'),
  PORT: intFrom(3000),
  PUBLIC_URL: optionalString,
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_PORT: intFrom(7233, 1),
  TEMPORAL_UI_PORT: intFrom(8233, 1),
  TEMPORAL_CLI_PATH: optionalString,
  TEMPORAL_TLS: flag,
  TEMPORAL_TLS_CERT: optionalString,
  TEMPORAL_TLS_KEY: optionalString,
  TEMPORAL_TLS_CA: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  TEMPORAL_API_KEY: optionalString,
  TASK_QUEUE: z.string().default('workorders'),
  CODEGEN_TASK_QUEUE: z.string().default('workorders-codegen'),
  CODE_KEY: optionalString,
  CODE_KEY_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, _ and - only')
    .default('k1'),
  LINK_SECRET: optionalString,
  SMTP_URL: optionalString,
  MAIL_FROM: z.string().default('Workorder service <workorders@localhost>'),
  BATCH_WINDOW: intFrom(Math.max(2, os.cpus().length), 1),
  RENDER_THREADS: intFrom(Math.max(1, os.cpus().length), 1),
  HISTORY_EVENTS_PER_RUN: intFrom(4000, 20),
  THROTTLE_PER_MINUTE: intFrom(3000, 1),
  IDEMPOTENCY_TTL: duration('24h'),
  ARTIFACT_RETENTION: duration('90d'),
  RETENTION_SWEEP_EVERY: duration('1h'),
  REMINDER_DELAY: duration('2 days'),
  DEFAULT_URL_PREFIX: z
    .string()
    .regex(/^[0-9A-Za-z $%*+\-./:]*$/, 'only characters a QR code encodes in alphanumeric mode')
    .default('HTTPS://QR.EXAMPLE.COM/Q/'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  WORKER_METRICS_HOST: z.string().default('127.0.0.1'),
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  API_METRICS_HOST: z.string().default('127.0.0.1'),
  API_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9465),
  WORKER_SHUTDOWN_GRACE: duration('20 seconds'),
  ARTIFACT_STORE: z.enum(['local', 's3']).default('local'),
  S3_ENDPOINT: optionalString,
  S3_PUBLIC_ENDPOINT: optionalString,
  S3_BUCKET: optionalString,
  S3_REGION: z.string().default('us-east-1'),
  S3_FORCE_PATH_STYLE: flag,
  S3_PRESIGNED_DOWNLOADS: flag,
  AWS_ACCESS_KEY_ID: optionalString,
  AWS_SECRET_ACCESS_KEY: optionalString,
  AWS_SESSION_TOKEN: optionalString,
  WEBHOOK_ALLOW_HTTP: flag,
  WEBHOOK_ALLOW_PRIVATE: flag,
  WEBHOOK_RETRY_FIRST: duration('5 seconds'),
  WEBHOOK_RETRY_MAX: duration('1 hour'),
  WEBHOOK_GIVE_UP_AFTER: duration('3 days'),
});

/** Every environment variable the service reads. */
export const ENV_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

export interface Config {
  dataDir: string;
  databaseUrl: string;
  host: string;
  port: number;
  publicUrl: string;
  temporal: {
    address: string | undefined;
    namespace: string;
    port: number;
    uiPort: number;
    cliPath: string | undefined;
    taskQueue: string;
    codegenTaskQueue: string;
    /** mTLS or server-verified TLS; see src/temporal-connection.ts. Undefined: plain TCP. */
    tls: TemporalTlsSettings | undefined;
    /** Temporal Cloud API key (implies TLS). A secret: never logged. */
    apiKey: string | undefined;
  };
  codeKeyId: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  batchWindow: number;
  renderThreads: number;
  /** A generating workflow continues as new once its history passes this many events. */
  historyEventsPerRun: number;
  throttlePerMinute: number;
  /** How long an Idempotency-Key is remembered, in milliseconds. */
  idempotencyTtlMs: number;
  /** How long an archived workorder's zip is kept before it is removed (rebuilt on demand), in ms. */
  artifactRetentionMs: number;
  /** How often the retention sweep runs (a Temporal Schedule), in milliseconds. */
  retentionSweepEveryMs: number;
  reminderDelay: string;
  /** URL prefix of workorders created without a template (legacy create-sid). */
  defaultUrlPrefix: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** The worker's /metrics, /healthz and /readyz listener (loopback by default); port 0 turns it off. */
  workerMetricsHost: string;
  workerMetricsPort: number;
  /** The API's /metrics, on its own listener, never the public one (loopback by default); 0: off. */
  apiMetricsHost: string;
  apiMetricsPort: number;
  /** How long a stopping worker lets running activities finish before cancelling them. */
  workerShutdownGrace: string;
  /** Where codes, images and zips are kept: DATA_DIR/artifacts, or a bucket (see src/storage/). */
  artifactStore: { kind: 'local'; dir: string } | ({ kind: 's3' } & S3StoreOptions);
  /** Where mail is written as .eml files when SMTP_URL is unset. */
  outboxDir: string;
  /** The Temporal dev server's database file. */
  temporalDbFile: string;
  /** Webhook targets and delivery retries (docs/webhooks.md). */
  webhooks: {
    /** http: URLs allowed besides https: (local use and tests). */
    allowHttp: boolean;
    /** Private, loopback and link-local targets allowed (local use and tests). */
    allowPrivate: boolean;
    retry: WebhookRetrySettings;
  };
  /** Raw secret values from the environment; resolveSecrets() fills in the rest. */
  secretsFromEnv: { codeKey: string | undefined; linkSecret: string | undefined };
}

export class ConfigError extends Error {}

/** Reads the environment once; every entry point calls this and passes the result down. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  if (durationMs(e.RETENTION_SWEEP_EVERY) < 1000) {
    throw new ConfigError('Invalid configuration: RETENTION_SWEEP_EVERY: at least 1 second');
  }
  // Refused at start, not when first used: a weak or ambiguous key must never make codes.
  if (e.CODE_KEY) decodeSecret('CODE_KEY', e.CODE_KEY);
  if (e.LINK_SECRET) decodeSecret('LINK_SECRET', e.LINK_SECRET);
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    dataDir,
    databaseUrl: e.DATABASE_URL ?? `sqlite:${path.join(dataDir, 'workorders.db')}`,
    host: e.HOST,
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      port: e.TEMPORAL_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      cliPath: e.TEMPORAL_CLI_PATH,
      taskQueue: e.TASK_QUEUE,
      codegenTaskQueue: e.CODEGEN_TASK_QUEUE,
      tls: temporalTls(e),
      apiKey: e.TEMPORAL_API_KEY,
    },
    codeKeyId: e.CODE_KEY_ID,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    batchWindow: e.BATCH_WINDOW,
    renderThreads: e.RENDER_THREADS,
    historyEventsPerRun: e.HISTORY_EVENTS_PER_RUN,
    throttlePerMinute: e.THROTTLE_PER_MINUTE,
    idempotencyTtlMs: durationMs(e.IDEMPOTENCY_TTL),
    artifactRetentionMs: durationMs(e.ARTIFACT_RETENTION),
    retentionSweepEveryMs: durationMs(e.RETENTION_SWEEP_EVERY),
    reminderDelay: e.REMINDER_DELAY,
    defaultUrlPrefix: e.DEFAULT_URL_PREFIX.toUpperCase(),
    logLevel: e.LOG_LEVEL,
    workerMetricsHost: e.WORKER_METRICS_HOST,
    workerMetricsPort: e.WORKER_METRICS_PORT,
    apiMetricsHost: e.API_METRICS_HOST,
    apiMetricsPort: e.API_METRICS_PORT,
    workerShutdownGrace: e.WORKER_SHUTDOWN_GRACE,
    artifactStore: artifactStoreConfig(e, dataDir),
    outboxDir: path.join(dataDir, 'outbox'),
    temporalDbFile: path.join(dataDir, 'temporal.db'),
    webhooks: {
      allowHttp: e.WEBHOOK_ALLOW_HTTP ?? false,
      allowPrivate: e.WEBHOOK_ALLOW_PRIVATE ?? false,
      retry: {
        initialInterval: e.WEBHOOK_RETRY_FIRST,
        maximumInterval: e.WEBHOOK_RETRY_MAX,
        giveUpAfter: e.WEBHOOK_GIVE_UP_AFTER,
        idleFor: '10 minutes',
      },
    },
    secretsFromEnv: { codeKey: e.CODE_KEY, linkSecret: e.LINK_SECRET },
  };
}

/**
 * TLS to Temporal: certificate and key (both or neither: mTLS), a CA and a server name, each a PEM
 * file path or the PEM text itself. TEMPORAL_TLS=true alone verifies the server against the
 * system's CAs (Temporal Cloud with an API key turns TLS on by itself).
 */
export interface TemporalTlsSettings {
  cert: string | undefined;
  key: string | undefined;
  ca: string | undefined;
  serverName: string | undefined;
}

function temporalTls(e: z.infer<typeof envSchema>): TemporalTlsSettings | undefined {
  if (!e.TEMPORAL_TLS_CERT !== !e.TEMPORAL_TLS_KEY) {
    throw new ConfigError(
      'Invalid configuration: set both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY (mTLS), or neither',
    );
  }
  const any =
    e.TEMPORAL_TLS_CERT ??
    e.TEMPORAL_TLS_CA ??
    e.TEMPORAL_TLS_SERVER_NAME ??
    (e.TEMPORAL_API_KEY || undefined);
  if (e.TEMPORAL_TLS === false) {
    if (any !== undefined) {
      throw new ConfigError(
        'Invalid configuration: TEMPORAL_TLS=false with TEMPORAL_TLS_* or TEMPORAL_API_KEY set',
      );
    }
    return undefined;
  }
  if (e.TEMPORAL_TLS !== true && any === undefined) return undefined;
  return {
    cert: e.TEMPORAL_TLS_CERT,
    key: e.TEMPORAL_TLS_KEY,
    ca: e.TEMPORAL_TLS_CA,
    serverName: e.TEMPORAL_TLS_SERVER_NAME,
  };
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "24h", "90 days", "10s", "500ms" in milliseconds (the schema has checked the form). */
export function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(text.trim());
  if (!m) throw new ConfigError(`Invalid duration: ${text}`);
  const unit = m[2].toLowerCase();
  const key = unit.startsWith('ms') || unit.startsWith('milli') ? 'ms' : unit[0];
  return Math.round(Number(m[1]) * UNIT_MS[key]);
}

function artifactStoreConfig(e: z.infer<typeof envSchema>, dataDir: string): Config['artifactStore'] {
  if (e.ARTIFACT_STORE === 'local') return { kind: 'local', dir: path.join(dataDir, 'artifacts') };
  if (!e.S3_BUCKET)
    throw new ConfigError('Invalid configuration: S3_BUCKET is required with ARTIFACT_STORE=s3');
  if (!e.AWS_ACCESS_KEY_ID !== !e.AWS_SECRET_ACCESS_KEY) {
    throw new ConfigError(
      'Invalid configuration: set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither',
    );
  }
  return {
    kind: 's3',
    bucket: e.S3_BUCKET,
    region: e.S3_REGION,
    endpoint: e.S3_ENDPOINT,
    // S3-compatible servers are mostly addressed by path; AWS itself by virtual host.
    forcePathStyle: e.S3_FORCE_PATH_STYLE ?? e.S3_ENDPOINT !== undefined,
    credentials:
      e.AWS_ACCESS_KEY_ID && e.AWS_SECRET_ACCESS_KEY
        ? {
            accessKeyId: e.AWS_ACCESS_KEY_ID,
            secretAccessKey: e.AWS_SECRET_ACCESS_KEY,
            sessionToken: e.AWS_SESSION_TOKEN,
          }
        : undefined,
    presignedDownloads: e.S3_PRESIGNED_DOWNLOADS ? { publicEndpoint: e.S3_PUBLIC_ENDPOINT } : undefined,
  };
}

export function temporalAddress(config: Config): string {
  return config.temporal.address ?? `127.0.0.1:${config.temporal.port}`;
}

export interface Secrets {
  /** Key of the extended-ID permutation; never logged, never sent anywhere. */
  codeKey: Buffer;
  /** Key that signs codegen_file download links. */
  linkSecret: Buffer;
}

const SECRET_FORMS =
  'give it as "hex:<hex digits>" or "base64:<base64>" (at least 32 bytes), or as exactly 64 hex digits';

/**
 * A secret key from the environment, its encoding stated: `hex:...` or `base64:...` (standard or
 * URL-safe alphabet); a bare value only when it is a full 64-digit hex key. At least 32 bytes.
 * Anything else is refused at start, so a passphrase never passes as the base64 of a weak key.
 * The value itself is never part of the message.
 */
export function decodeSecret(name: string, value: string): Buffer {
  const refuse = (why: string) => new ConfigError(`Invalid configuration: ${name} ${why}; ${SECRET_FORMS}`);
  const stated = /^(hex|base64):(.*)$/s.exec(value);
  let key: Buffer;
  if (stated?.[1] === 'hex') {
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(stated[2])) throw refuse('is not an even number of hex digits');
    key = Buffer.from(stated[2], 'hex');
  } else if (stated?.[1] === 'base64') {
    const body = stated[2].replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
    if (!/^[A-Za-z0-9+/]+$/.test(body) || body.length % 4 === 1) throw refuse('is not base64');
    key = Buffer.from(body, 'base64');
    if (key.toString('base64').replace(/=+$/, '') !== body) throw refuse('is not base64');
  } else if (/^[0-9a-fA-F]{64}$/.test(value)) {
    key = Buffer.from(value, 'hex');
  } else {
    throw refuse('has no stated encoding');
  }
  if (key.length < 32) throw refuse(`holds ${key.length} bytes, fewer than 32`);
  return key;
}

/**
 * Secrets come from the environment; on a single machine with none set, they are generated once
 * and kept under DATA_DIR/secrets so a restart makes the same codes and honours the same links.
 */
export function resolveSecrets(config: Config): Secrets {
  const fromFile = (name: string): Buffer => {
    const dir = path.join(config.dataDir, 'secrets');
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      try {
        fs.writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    return decodeSecret(name, fs.readFileSync(file, 'utf8').trim());
  };
  return {
    codeKey: config.secretsFromEnv.codeKey
      ? decodeSecret('CODE_KEY', config.secretsFromEnv.codeKey)
      : fromFile('code-key'),
    linkSecret: config.secretsFromEnv.linkSecret
      ? decodeSecret('LINK_SECRET', config.secretsFromEnv.linkSecret)
      : fromFile('link-secret'),
  };
}
