import type { Config } from '../config';
import type { ArtifactStore } from './artifacts';
import { createLocalArtifactStore } from './local';

/**
 * The configured artifact store; the API and the worker each build theirs with this. The S3 client
 * is loaded only when configured: the AWS SDK adds seconds to a start-up on a busy machine.
 */
export async function createArtifactStore(config: Config['artifactStore']): Promise<ArtifactStore> {
  if (config.kind !== 's3') return createLocalArtifactStore(config.dir);
  const { createS3ArtifactStore } = await import('./s3');
  return createS3ArtifactStore(config);
}
