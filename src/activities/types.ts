import type { WebhookAttemptOutcome, WebhookDeliveryInput, WebhookRetrySettings } from '../shared/webhooks';
import type {
  ArtifactRef,
  BatchRef,
  CodeSettings,
  PrinterConfirmation,
  WorkorderSnapshot,
} from '../shared/workorder';

export interface GenerateBatchInput {
  workorderId: number;
  batchNumber: number;
  firstSequence: number;
  count: number;
  code: CodeSettings;
  printer: PrinterConfirmation | null;
}

/** A run of consecutive CSV-only batches done by one activity (each still its own batch). */
export interface GenerateBatchesInput {
  workorderId: number;
  batches: Array<{ batchNumber: number; firstSequence: number; count: number }>;
  code: CodeSettings;
  printer: PrinterConfirmation | null;
}

export interface AssembleZipInput {
  workorderId: number;
  code: CodeSettings;
  printer: PrinterConfirmation | null;
  batches: BatchRef[];
}

export type WorkorderEmailEvent =
  | { kind: 'created' }
  | { kind: 'reminder'; number: number }
  | { kind: 'ready' }
  | { kind: 'canceled'; reason: string };

export interface SendEmailInput {
  workorderId: number;
  event: WorkorderEmailEvent;
}

/**
 * Activities of the code-generation task queue, served by a worker of their own so generation
 * scales apart from orchestration. Workflows import these types only.
 */
export interface CodegenActivities {
  generateBatch(input: GenerateBatchInput): Promise<BatchRef>;
  generateBatches(input: GenerateBatchesInput): Promise<BatchRef[]>;
  assembleZip(input: AssembleZipInput): Promise<ArtifactRef>;
  removeArtifacts(input: { workorderId: number }): Promise<void>;
  /** Deletes the batch parts once the zip holds their codes (the zip and serial numbers stay). */
  removeBatchParts(input: { workorderId: number }): Promise<void>;
}

/** Activities of the workflow's own task queue: partner email, and the database record of a snapshot. */
export interface OrchestrationActivities {
  sendWorkorderEmail(input: SendEmailInput): Promise<void>;
  /** Run as a local activity: the workflow keeps its database row current at each change. */
  recordSnapshot(snapshot: WorkorderSnapshot): Promise<void>;
  /** The retention sweep (docs/operations.md, Retention), run by its Temporal Schedule. */
  sweepRetention(): Promise<RetentionSweepResult>;
  /** A rebuilt zip is in the store again: checks it is the same bytes and marks it kept. */
  zipRebuilt(input: { workorderId: number; zip: ArtifactRef }): Promise<void>;
}

export interface RetentionSweepResult {
  idempotencyKeysExpired: number;
  throttleWindowsPruned: number;
  zipsRemoved: number[];
}

/** Activities of webhook delivery (docs/webhooks.md), on the workflow's own task queue. */
export interface WebhookActivities {
  /** The retry settings of this worker's configuration (WEBHOOK_RETRY_*, WEBHOOK_GIVE_UP_AFTER). */
  webhookSettings(): Promise<WebhookRetrySettings>;
  nextWebhookDelivery(input: WebhookDeliveryInput): Promise<{ deliveryId: number } | null>;
  /** One attempt; throws (retried by Temporal) unless the endpoint answered 2xx. */
  deliverWebhook(input: { deliveryId: number }): Promise<WebhookAttemptOutcome>;
  webhookGaveUp(input: { deliveryId: number; endpointId: number }): Promise<void>;
}
