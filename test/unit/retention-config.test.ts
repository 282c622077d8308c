/** Retention settings (docs/operations.md, Retention): durations like `24h`, `90d`, `10s`. */
import { ConfigError, durationMs, loadConfig } from '../../src/config';

test('defaults: keys for 24 hours, zips for 90 days, a sweep every hour', () => {
  const config = loadConfig({ DATA_DIR: '/tmp/x' });
  expect(config.idempotencyTtlMs).toBe(24 * 3_600_000);
  expect(config.artifactRetentionMs).toBe(90 * 86_400_000);
  expect(config.retentionSweepEveryMs).toBe(3_600_000);
});

test('durations in any of the units the other settings take', () => {
  expect(durationMs('10s')).toBe(10_000);
  expect(durationMs('90d')).toBe(7_776_000_000);
  expect(durationMs('1.5h')).toBe(5_400_000);
  expect(durationMs('15m')).toBe(900_000);
  expect(durationMs('15 minutes')).toBe(900_000);
  expect(durationMs('500ms')).toBe(500);
  expect(durationMs('250 milliseconds')).toBe(250);
  expect(durationMs('2 days')).toBe(172_800_000);
  const config = loadConfig({ DATA_DIR: '/tmp/x', IDEMPOTENCY_TTL: '3s', ARTIFACT_RETENTION: '2 seconds' });
  expect([config.idempotencyTtlMs, config.artifactRetentionMs]).toEqual([3000, 2000]);
});

test('a value that is not a duration stops the process, naming the variable', () => {
  expect(() => loadConfig({ DATA_DIR: '/tmp/x', ARTIFACT_RETENTION: '90' })).toThrow(ConfigError);
  expect(() => loadConfig({ DATA_DIR: '/tmp/x', IDEMPOTENCY_TTL: 'a day' })).toThrow(/IDEMPOTENCY_TTL/);
  expect(() => loadConfig({ DATA_DIR: '/tmp/x', RETENTION_SWEEP_EVERY: '-1h' })).toThrow(
    /RETENTION_SWEEP_EVERY/,
  );
  expect(() => loadConfig({ DATA_DIR: '/tmp/x', RETENTION_SWEEP_EVERY: '0s' })).toThrow(/at least 1 second/);
});
