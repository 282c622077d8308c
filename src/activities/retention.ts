import { ApplicationFailure, Context } from '@temporalio/activity';
import type { ArtifactRef } from '../shared/workorder';
import { workorderPrefix, type ArtifactStore } from '../storage/artifacts';
import type { Repositories } from '../store';
import type { RetentionSweepResult } from './types';

export interface RetentionDeps {
  repos: Repositories;
  artifacts: ArtifactStore;
  /** IDEMPOTENCY_TTL in milliseconds. */
  idempotencyTtlMs: number;
  /** ARTIFACT_RETENTION in milliseconds. */
  artifactRetentionMs: number;
}

/** Throttle windows last a minute; one that ended more than a minute ago is only clutter. */
const THROTTLE_WINDOW_MS = 60_000;
/** Zips removed per sweep: the next sweep goes on where this one stopped. */
const ZIPS_PER_SWEEP = 500;

/**
 * Expired idempotency keys and throttle windows are deleted; archived workorders whose zip has been
 * kept ARTIFACT_RETENTION lose their files (zip, serial numbers, any batch parts left by runs from
 * before the remove-batch-parts patch). The row is marked first, so a download in between starts a
 * rebuild rather than finding nothing.
 */
export async function sweepRetention(deps: RetentionDeps): Promise<RetentionSweepResult> {
  const now = Date.now();
  const idempotencyKeysExpired = await deps.repos.idempotency.prune(
    new Date(now - deps.idempotencyTtlMs).toISOString(),
  );
  Context.current().heartbeat('idempotency keys');
  const throttleWindowsPruned = await deps.repos.throttle.prune(now - 2 * THROTTLE_WINDOW_MS);
  Context.current().heartbeat('throttle windows');
  const cutoff = new Date(now - deps.artifactRetentionMs).toISOString();
  const zipsRemoved: number[] = [];
  for (const id of await deps.repos.workorders.zipsPastRetention(cutoff, ZIPS_PER_SWEEP)) {
    if (!(await deps.repos.workorders.markZipRemoved(id, cutoff))) continue;
    await deps.artifacts.removePrefix(workorderPrefix(id));
    zipsRemoved.push(id);
    Context.current().heartbeat(zipsRemoved.length);
  }
  return { idempotencyKeysExpired, throttleWindowsPruned, zipsRemoved };
}

/**
 * The end of a rebuild: the zip must be the bytes the workorder had (same SHA-256) before it is
 * served again; anything else is a bug in determinism, which fails the rebuild loudly.
 */
export async function zipRebuilt(
  repos: Repositories,
  input: { workorderId: number; zip: ArtifactRef },
): Promise<void> {
  const row = await repos.workorders.byId(input.workorderId);
  if (!row) throw ApplicationFailure.nonRetryable(`Workorder ${input.workorderId} has no database row`);
  if (
    row.zip_sha256 !== input.zip.sha256 ||
    row.zip_key !== input.zip.key ||
    row.zip_size !== input.zip.size
  ) {
    throw ApplicationFailure.nonRetryable(
      `Rebuilt zip of workorder ${input.workorderId} differs from the original ` +
        `(SHA-256 ${input.zip.sha256}, expected ${row.zip_sha256})`,
      'ZipNotIdentical',
    );
  }
  await repos.workorders.markZipRebuilt(input.workorderId);
}
