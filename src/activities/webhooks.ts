import { ApplicationFailure, Context, log } from '@temporalio/activity';
import { Webhook } from 'standardwebhooks';
import type { RenderDeps } from '../api/product-json';
import { renderWorkorders } from '../api/workorder-view';
import { durationMs, type Config } from '../config';
import type { Mailer } from '../mail/mailer';
import type {
  WebhookAttemptOutcome,
  WebhookDeliveryInput,
  WebhookEvent,
  WebhookRetrySettings,
} from '../shared/webhooks';
import type { WorkorderSnapshot } from '../shared/workorder';
import type { Repositories } from '../store';
import type { WorkorderRow } from '../store/schema';
import { endpointEvents, type NewDelivery } from '../store/webhooks';
import { wakeWebhookDelivery } from '../webhooks/dispatch';
import { webhookMessageId, workorderEvents } from '../webhooks/events';
import type { SecretBox } from '../webhooks/secret-box';
import { postWebhook, TargetRefused } from '../webhooks/target';

export interface WebhookDeps {
  repos: Repositories;
  mailer: Mailer;
  links: RenderDeps['links'];
  publicUrl: string;
  /** The orchestration task queue, where delivery workflows run. */
  taskQueue: string;
  webhooks: Config['webhooks'];
  /** Opens the stored endpoint secrets to sign with. */
  webhookSecrets: SecretBox;
}

/** Tries of the compare-and-set before the activity fails (and Temporal retries it). */
const RECORD_TRIES = 10;

/**
 * Records a workorder's snapshot and, in the same transaction, one delivery per event and
 * subscribed endpoint (the outbox); then wakes those endpoints' delivery workflows. A retry finds
 * the revision recorded and only wakes them again.
 */
export async function recordWorkorderChange(deps: WebhookDeps, snapshot: WorkorderSnapshot): Promise<void> {
  for (let tries = 1; ; tries++) {
    const row = await deps.repos.workorders.byId(snapshot.workorderId);
    if (!row || row.snapshot_revision >= snapshot.revision) break;
    const events = workorderEvents(row, snapshot);
    const deliveries = events.length ? await deliveriesOf(deps, row, snapshot, events) : [];
    if (await deps.repos.webhooks.recordWithDeliveries(snapshot, row.snapshot_revision, deliveries)) break;
    if (tries >= RECORD_TRIES) throw new Error(`Workorder ${row.id} kept changing while being recorded`);
  }
  const endpointIds = await deps.repos.webhooks.pendingEndpointsAt(snapshot.workorderId, snapshot.revision);
  for (const endpointId of endpointIds) {
    await wakeWebhookDelivery(Context.current().client, deps.taskQueue, {
      endpointId,
      workorderId: snapshot.workorderId,
    });
  }
}

/** The brand's and the partner's endpoints subscribed to each event, with the body each is sent. */
async function deliveriesOf(
  deps: WebhookDeps,
  row: WorkorderRow,
  snapshot: WorkorderSnapshot,
  events: WebhookEvent[],
): Promise<NewDelivery[]> {
  const companies = row.printing_partner_id ? [row.company_id, row.printing_partner_id] : [row.company_id];
  const endpoints = await deps.repos.webhooks.activeEndpointsOf(companies);
  if (endpoints.length === 0) return [];
  // A receiver holds no token: the body carries the plain download URL, never a signed link.
  const renderDeps: RenderDeps = {
    repos: deps.repos,
    links: deps.links,
    config: { publicUrl: deps.publicUrl },
  };
  const [workorder] = await renderWorkorders(renderDeps, null, [{ row, snapshot }]);
  const timestamp = new Date().toISOString();
  const deliveries: NewDelivery[] = [];
  for (const type of events) {
    const payload = JSON.stringify({
      type,
      timestamp,
      data: { workorder: { ...workorder, revision: snapshot.revision } },
    });
    for (const endpoint of endpoints) {
      if (!endpointEvents(endpoint).includes(type)) continue;
      deliveries.push({
        endpoint_id: endpoint.id,
        workorder_id: row.id,
        event_type: type,
        message_id: webhookMessageId(row.id, snapshot.revision, type),
        revision: snapshot.revision,
        payload,
        next_attempt_at: timestamp,
      });
    }
  }
  return deliveries;
}

/** The oldest pending delivery of the stream while its endpoint is active, or null. */
export async function nextWebhookDelivery(
  deps: Pick<WebhookDeps, 'repos'>,
  input: WebhookDeliveryInput,
): Promise<{ deliveryId: number } | null> {
  const endpoint = await deps.repos.webhooks.endpointById(input.endpointId);
  if (!endpoint || endpoint.is_active !== 1) return null;
  const next = await deps.repos.webhooks.nextPending(input.endpointId, input.workorderId);
  return next ? { deliveryId: next.id } : null;
}

/** When the retry after this attempt is due, as the workflow's retry policy schedules it. */
function nextAttemptAt(retry: WebhookRetrySettings, attempt: number): string {
  const delay = Math.min(
    durationMs(retry.initialInterval) * 2 ** (attempt - 1),
    durationMs(retry.maximumInterval),
  );
  return new Date(Date.now() + delay).toISOString();
}

/**
 * One attempt to deliver: signed afresh (a new `webhook-timestamp`), the same `webhook-id` and
 * body. A 2xx answer delivers it; anything else is recorded and thrown, so Temporal retries it.
 */
export async function deliverWebhook(
  deps: Pick<WebhookDeps, 'repos' | 'webhooks' | 'webhookSecrets'>,
  input: { deliveryId: number },
): Promise<WebhookAttemptOutcome> {
  const delivery = await deps.repos.webhooks.deliveryById(input.deliveryId);
  if (!delivery || delivery.status !== 'pending') return 'skipped';
  const endpoint = await deps.repos.webhooks.endpointById(delivery.endpoint_id);
  if (!endpoint || endpoint.is_active !== 1) return 'skipped';
  const sentAt = new Date();
  const headers = {
    'webhook-id': delivery.message_id,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': new Webhook(deps.webhookSecrets.open(endpoint.secret)).sign(
      delivery.message_id,
      sentAt,
      delivery.payload,
    ),
  };
  const attempt = Context.current().info.attempt;
  let failure: string;
  let statusCode: number | null = null;
  let response: string | null = null;
  try {
    const answer = await postWebhook({ url: endpoint.url, body: delivery.payload, headers }, deps.webhooks);
    statusCode = answer.statusCode;
    response = answer.body;
    if (statusCode >= 200 && statusCode < 300) {
      await deps.repos.webhooks.recordAttempt(delivery.id, {
        statusCode,
        error: null,
        response,
        delivered: true,
        nextAttemptAt: null,
      });
      return 'delivered';
    }
    failure = `The endpoint answered ${statusCode}.`;
  } catch (err) {
    failure =
      err instanceof TargetRefused ? `Refused: ${err.message}` : `Not delivered: ${(err as Error).message}`;
  }
  await deps.repos.webhooks.recordAttempt(delivery.id, {
    statusCode,
    error: failure,
    response,
    delivered: false,
    nextAttemptAt: nextAttemptAt(deps.webhooks.retry, attempt),
  });
  log.info('Webhook not delivered; retried later', { deliveryId: delivery.id, attempt, statusCode });
  throw ApplicationFailure.retryable(failure, 'WebhookNotDelivered');
}

/**
 * The delivery failed for the whole retry window: it fails, its endpoint is disabled (its other
 * pending deliveries fail with it) and its company is emailed, once.
 */
export async function webhookGaveUp(
  deps: Pick<WebhookDeps, 'repos' | 'mailer' | 'webhooks' | 'publicUrl'>,
  input: { deliveryId: number; endpointId: number },
): Promise<void> {
  const reason = `Disabled after failing for ${deps.webhooks.retry.giveUpAfter}.`;
  await deps.repos.webhooks.markFailed(input.deliveryId, reason);
  await deps.repos.webhooks.disableEndpoint(input.endpointId, reason);
  const endpoint = await deps.repos.webhooks.endpointById(input.endpointId);
  // Keyed by the disabling (its time), so a retried activity or a second stream giving up emails once.
  if (!endpoint || endpoint.is_active === 1 || endpoint.disabled_reason === null) return;
  const key = `webhook-${endpoint.id}-disabled-${endpoint.updated_at}`;
  if (await deps.repos.emailLog.wasSent(key)) return;
  const [company] = (await deps.repos.companies.byIds([endpoint.company_id])).values();
  if (!company?.email) {
    log.warn('Webhook endpoint disabled; its company has no email address', { endpointId: endpoint.id });
    return;
  }
  const subject = `Webhook endpoint ${endpoint.id} disabled`;
  const text = [
    `Hello ${company.name},`,
    '',
    `Your webhook endpoint ${endpoint.url} (id ${endpoint.id}) did not accept events for ${deps.webhooks.retry.giveUpAfter}, so it was disabled.`,
    'Its undelivered events are kept: enable it again with PATCH /api/v2/webhooks/' +
      `${endpoint.id}/ {"is_active": true} and redeliver them from ${deps.publicUrl}/api/v2/webhooks/${endpoint.id}/deliveries/?status=failed`,
  ].join('\n');
  await deps.repos.emailLog.markSending(key, company.email, subject);
  await deps.mailer.send({ to: company.email, subject, text, idempotencyKey: key });
  await deps.repos.emailLog.markSent(key);
}
