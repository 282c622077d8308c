import { defineSignal } from '@temporalio/workflow';

/** The events an endpoint may subscribe to (docs/webhooks.md), in the order a workorder meets them. */
export const WEBHOOK_EVENTS = [
  'workorder.created',
  'workorder.codes_ready',
  'workorder.printed',
  'workorder.completed',
  'workorder.canceled',
  'workorder.generation_failed',
  'workorder.archived',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Delivers one endpoint's events of one workorder, one at a time, in the order they happened. */
export const WEBHOOK_DELIVERY_WORKFLOW = 'webhookDeliveryWorkflow';

export interface WebhookDeliveryInput {
  endpointId: number;
  workorderId: number;
}

export function webhookWorkflowIdFor(input: WebhookDeliveryInput): string {
  return `webhook-${input.endpointId}-workorder-${input.workorderId}`;
}

/** New (or redelivered) deliveries are waiting in the database: the workflow reads them in turn. */
export const webhookPendingSignal = defineSignal<[]>('webhookPending');

/** How the delivery workflow retries, read once per run from the worker's configuration. */
export interface WebhookRetrySettings {
  /** First retry interval, e.g. "5 seconds"; doubled each attempt up to maximumInterval. */
  initialInterval: string;
  maximumInterval: string;
  /** After this long failing, the delivery fails and the endpoint is disabled (default 3 days). */
  giveUpAfter: string;
  /** How long a run waits for more events before it closes (the next event starts a new run). */
  idleFor: string;
}

/** What one attempt came to (the activity throws on a failure that is worth retrying). */
export type WebhookAttemptOutcome = 'delivered' | 'skipped';
