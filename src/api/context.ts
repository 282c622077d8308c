import type { CodePermutation } from '../codes/permutation';
import type { Config } from '../config';
import type { ArtifactStore } from '../storage/artifacts';
import type { Repositories } from '../store';
import type { SecretBox } from '../webhooks/secret-box';
import type { LinkSigner } from './links';
import type { WorkflowGateway } from './temporal';

/** What the API is built from; server.ts makes it once, tests make their own. */
export interface ApiDeps {
  config: Config;
  repos: Repositories;
  gateway: WorkflowGateway;
  links: LinkSigner;
  /** Seals webhook endpoint secrets before they are stored. */
  webhookSecrets: SecretBox;
  permutation: CodePermutation;
  artifacts: ArtifactStore;
}
