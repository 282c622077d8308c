import {
  ActivityFailure,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { WebhookActivities } from '../activities/types';
import { webhookPendingSignal, type WebhookDeliveryInput } from '../shared/webhooks';

/**
 * Delivers one endpoint's events of one workorder, oldest first, one at a time: an event is sent
 * only once every earlier one was delivered or given up, so a receiver never sees them out of
 * order. Each delivery is an activity retried with exponential backoff until the give-up window
 * (3 days by default) closes; then the endpoint is disabled and its company emailed. The run
 * closes after a quiet spell; the next event starts a new one (signal-with-start).
 */
export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<number> {
  let pending = true;
  setHandler(webhookPendingSignal, () => void (pending = true));
  const local = proxyLocalActivities<WebhookActivities>({
    startToCloseTimeout: '15 seconds',
    retry: { initialInterval: '500 milliseconds', maximumInterval: '10 seconds' },
  });
  const settings = await local.webhookSettings();
  const send = proxyActivities<WebhookActivities>({
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: settings.giveUpAfter as Duration,
    retry: {
      initialInterval: settings.initialInterval as Duration,
      backoffCoefficient: 2,
      maximumInterval: settings.maximumInterval as Duration,
    },
  });
  const report = proxyActivities<WebhookActivities>({
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: '7 days',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  });

  let delivered = 0;
  for (;;) {
    pending = false;
    const next = await local.nextWebhookDelivery(input);
    if (!next) {
      if (await condition(() => pending, settings.idleFor as Duration)) continue;
      return delivered;
    }
    try {
      if ((await send.deliverWebhook(next)) === 'delivered') delivered++;
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      log.warn('Webhook delivery given up; endpoint disabled', { ...input, deliveryId: next.deliveryId });
      await report.webhookGaveUp({ deliveryId: next.deliveryId, endpointId: input.endpointId });
    }
    if (workflowInfo().continueAsNewSuggested) return continueAsNew<typeof webhookDeliveryWorkflow>(input);
  }
}
