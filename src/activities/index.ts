import type { CodePermutation } from '../codes/permutation';
import type { RenderPool } from '../codes/render-pool';
import type { Mailer } from '../mail/mailer';
import { workorderPrefix, type ArtifactStore } from '../storage/artifacts';
import type { Repositories } from '../store';
import { assembleZip } from './assemble-zip';
import { sendWorkorderEmail } from './email';
import { generateBatch, generateBatches } from './generate-batch';
import type { WorkorderActivities } from './types';

export interface ActivityDeps {
  repos: Repositories;
  artifacts: ArtifactStore;
  mailer: Mailer;
  renderPool: RenderPool;
  permutation: CodePermutation;
  /** Key of SSC secure graphics, derived from the code key; the code key itself stays out. */
  secureGraphicKey?: Buffer;
  publicUrl: string;
  generator: { name: string; version: string };
}

/** The activities bound to their dependencies; the worker registers these. */
export function createActivities(deps: ActivityDeps): WorkorderActivities {
  return {
    generateBatch: (input) => generateBatch(deps, input),
    generateBatches: (input) => generateBatches(deps, input),
    assembleZip: (input) => assembleZip(deps, input),
    removeArtifacts: ({ workorderId }) => deps.artifacts.removePrefix(workorderPrefix(workorderId)),
    sendWorkorderEmail: (input) => sendWorkorderEmail(deps, input),
    recordSnapshot: async (snapshot) => {
      await deps.repos.workorders.recordSnapshot(snapshot);
    },
  };
}

/** Activities per task queue: code generation scales on its own queue. */
export function activitiesByQueue(all: WorkorderActivities) {
  const { generateBatch, generateBatches, assembleZip, removeArtifacts, ...orchestration } = all;
  return { codegen: { generateBatch, generateBatches, assembleZip, removeArtifacts }, orchestration };
}
