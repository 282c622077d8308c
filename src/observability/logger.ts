import pino, { type Logger } from 'pino';
import type { Config } from '../config';

export type { Logger } from 'pino';

/**
 * Keys whose values never reach a log line: credentials, secrets and message bodies. Paths reach
 * two levels down, which covers `{ headers: { authorization } }` and `{ err: { config } }` shapes.
 */
const SECRET_KEYS = [
  'authorization',
  'cookie',
  'token',
  'taskToken',
  'password',
  'secret',
  'codeKey',
  'linkSecret',
  'secureGraphicKey',
  'smtpUrl',
  'text',
  'html',
];
const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

/**
 * The process's one JSON logger: one line per event on stdout, `time` in ISO 8601, `level` as a
 * name. Every entry point makes it once from the config and passes it down.
 */
export function createLogger(config: Pick<Config, 'logLevel'>, component: 'api' | 'worker'): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { component },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * Start and stop lines (`api: listening`, `worker: polling`) are written at any level but silent:
 * operators and the test harness wait for them.
 */
export function lifecycle(logger: Logger): Logger {
  return logger.level === 'silent' ? logger : logger.child({}, { level: 'info' });
}
