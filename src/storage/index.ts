import type { Config } from '../config';
import type { ArtifactStore } from './artifacts';
import { createLocalArtifactStore } from './local';
import { createS3ArtifactStore } from './s3';

/** The configured artifact store; the API and the worker each build theirs with this. */
export function createArtifactStore(config: Config['artifactStore']): ArtifactStore {
  return config.kind === 's3' ? createS3ArtifactStore(config) : createLocalArtifactStore(config.dir);
}
