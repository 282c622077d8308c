import type { Client } from '@temporalio/client';
import {
  WEBHOOK_DELIVERY_WORKFLOW,
  webhookPendingSignal,
  webhookWorkflowIdFor,
  type WebhookDeliveryInput,
} from '../shared/webhooks';

/**
 * Wakes the delivery workflow of one endpoint and workorder, starting it when none runs: the
 * deliveries themselves wait in the database, so a repeated wake-up only makes it look again.
 */
export async function wakeWebhookDelivery(
  client: Client,
  taskQueue: string,
  input: WebhookDeliveryInput,
): Promise<void> {
  await client.workflow.signalWithStart(WEBHOOK_DELIVERY_WORKFLOW, {
    workflowId: webhookWorkflowIdFor(input),
    taskQueue,
    args: [input],
    signal: webhookPendingSignal,
    signalArgs: [],
    staticSummary: `Webhooks of workorder ${input.workorderId} to endpoint ${input.endpointId}`,
  });
}
