import { Codegen, type WorkorderSnapshot } from '../shared/workorder';
import type { WebhookEvent } from '../shared/webhooks';
import type { WorkorderRow } from '../store/schema';

/** What the database row held before a snapshot replaced it. */
export type RecordedState = Pick<
  WorkorderRow,
  'state' | 'codegen_status' | 'is_archived' | 'snapshot_revision'
>;

/**
 * The events a recorded change makes, in the order they happened: each state is compared with the
 * row it replaces, so a change recorded together with a later one (progress records are merged)
 * still yields every event once.
 */
export function workorderEvents(before: RecordedState, after: WorkorderSnapshot): WebhookEvent[] {
  const events: WebhookEvent[] = [];
  const entered = (state: WorkorderSnapshot['state']) => after.state === state && before.state !== state;
  if (before.snapshot_revision === 0) events.push('workorder.created');
  if (
    after.codegenStatus === Codegen.completed &&
    before.codegen_status !== Codegen.completed &&
    after.state !== 'canceled'
  ) {
    events.push('workorder.codes_ready');
  }
  if (entered('printed')) events.push('workorder.printed');
  if (entered('completed')) events.push('workorder.completed');
  if (entered('canceled')) events.push('workorder.canceled');
  if (after.codegenStatus === Codegen.failed && before.codegen_status !== Codegen.failed) {
    events.push('workorder.generation_failed');
  }
  if (after.isArchived && before.is_archived !== 1) events.push('workorder.archived');
  return events;
}

/** `webhook-id`: one per event, the same on every attempt and redelivery and for every endpoint. */
export function webhookMessageId(workorderId: number, revision: number, event: WebhookEvent): string {
  return `msg_wo${workorderId}_r${revision}_${event.slice('workorder.'.length)}`;
}
