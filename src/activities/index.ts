import { workorderPrefix } from '../storage/artifacts';
import { assembleZip, type ZipDeps } from './assemble-zip';
import { sendWorkorderEmail, type EmailDeps } from './email';
import { generateBatch, generateBatches, type BatchDeps } from './generate-batch';
import { sweepRetention, zipRebuilt, type RetentionDeps } from './retention';
import type { CodegenActivities, OrchestrationActivities, WebhookActivities } from './types';
import {
  deliverWebhook,
  nextWebhookDelivery,
  recordWorkorderChange,
  webhookGaveUp,
  type WebhookDeps,
} from './webhooks';

export type CodegenDeps = BatchDeps & ZipDeps;
export type OrchestrationDeps = EmailDeps & Omit<RetentionDeps, 'repos'> & WebhookDeps;

/** The code-generation queue's activities bound to their dependencies; its worker registers these. */
export function createCodegenActivities(deps: CodegenDeps): CodegenActivities {
  return {
    generateBatch: (input) => generateBatch(deps, input),
    generateBatches: (input) => generateBatches(deps, input),
    assembleZip: (input) => assembleZip(deps, input),
    removeArtifacts: ({ workorderId }) => deps.artifacts.removePrefix(workorderPrefix(workorderId)),
    removeBatchParts: ({ workorderId }) =>
      deps.artifacts.removePrefix(`${workorderPrefix(workorderId)}/batches`),
  };
}

/** The workflow queue's activities bound to their dependencies; the workflow's worker registers these. */
export function createOrchestrationActivities(
  deps: OrchestrationDeps,
): OrchestrationActivities & WebhookActivities {
  return {
    sendWorkorderEmail: (input) => sendWorkorderEmail(deps, input),
    // The record also writes the change's webhook deliveries (the outbox) and wakes their workflows.
    recordSnapshot: (snapshot) => recordWorkorderChange(deps, snapshot),
    sweepRetention: () => sweepRetention(deps),
    zipRebuilt: (input) => zipRebuilt(deps.repos, input),
    webhookSettings: () => Promise.resolve(deps.webhooks.retry),
    nextWebhookDelivery: (input) => nextWebhookDelivery(deps, input),
    deliverWebhook: (input) => deliverWebhook(deps, input),
    webhookGaveUp: (input) => webhookGaveUp(deps, input),
  };
}
