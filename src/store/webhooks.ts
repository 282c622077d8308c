import { randomBytes } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import type { WebhookEvent } from '../shared/webhooks';
import type { WorkorderSnapshot } from '../shared/workorder';
import { nowIso } from './database';
import type {
  Database,
  WebhookDeliveryRow,
  WebhookDeliveryTable,
  WebhookEndpointRow,
  WebhookEndpointTable,
} from './schema';
import { workorderRepository } from './workorders';

/** A new endpoint's signing secret: `whsec_` and 32 random bytes in base64, as Standard Webhooks has it. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export type NewDelivery = Omit<
  Insertable<WebhookDeliveryTable>,
  'status' | 'attempts' | 'creation_date' | 'updated_at'
>;

export interface EndpointChange {
  url?: string;
  description?: string;
  events?: string[];
  is_active?: boolean;
}

export interface DeliveryAttempt {
  statusCode: number | null;
  error: string | null;
  response: string | null;
  delivered: boolean;
  nextAttemptAt: string | null;
}

/** Webhook endpoints and their deliveries (the outbox the delivery workflows send). */
export function webhookRepository(db: Kysely<Database>) {
  const endpoints = () => db.selectFrom('webhook_endpoints').selectAll();

  return {
    /** `sealedSecret`: the signing secret as SecretBox sealed it (src/webhooks/secret-box.ts). */
    async createEndpoint(
      companyId: number,
      values: Pick<WebhookEndpointTable, 'url' | 'description'> & { events: string[]; sealedSecret: string },
    ): Promise<WebhookEndpointRow> {
      const now = nowIso();
      return db
        .insertInto('webhook_endpoints')
        .values({
          company_id: companyId,
          url: values.url,
          description: values.description,
          events: JSON.stringify(values.events),
          secret: values.sealedSecret,
          is_active: 1,
          disabled_reason: null,
          creation_date: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async listEndpoints(
      companyId: number,
      page: { limit: number; offset: number },
    ): Promise<{ rows: WebhookEndpointRow[]; count: number }> {
      const [rows, total] = await Promise.all([
        endpoints()
          .where('company_id', '=', companyId)
          .orderBy('id', 'desc')
          .limit(page.limit)
          .offset(page.offset)
          .execute(),
        db
          .selectFrom('webhook_endpoints')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('company_id', '=', companyId)
          .executeTakeFirstOrThrow(),
      ]);
      return { rows, count: Number(total.n) };
    },
    async endpointFor(companyId: number, id: number): Promise<WebhookEndpointRow | undefined> {
      return endpoints().where('company_id', '=', companyId).where('id', '=', id).executeTakeFirst();
    },
    async endpointById(id: number): Promise<WebhookEndpointRow | undefined> {
      return endpoints().where('id', '=', id).executeTakeFirst();
    },
    /** The active endpoints of these companies. */
    async activeEndpointsOf(companyIds: number[]): Promise<WebhookEndpointRow[]> {
      if (companyIds.length === 0) return [];
      return endpoints()
        .where('company_id', 'in', companyIds)
        .where('is_active', '=', 1)
        .orderBy('id')
        .execute();
    },
    async updateEndpoint(id: number, change: EndpointChange): Promise<WebhookEndpointRow> {
      return db
        .updateTable('webhook_endpoints')
        .set({
          ...(change.url !== undefined ? { url: change.url } : {}),
          ...(change.description !== undefined ? { description: change.description } : {}),
          ...(change.events !== undefined ? { events: JSON.stringify(change.events) } : {}),
          // Enabled again by its company: the service's reason for disabling it is cleared.
          ...(change.is_active !== undefined
            ? { is_active: change.is_active ? 1 : 0, disabled_reason: null }
            : {}),
          updated_at: nowIso(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async deleteEndpoint(id: number): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute();
        await trx.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
      });
    },
    /**
     * Disables an active endpoint and fails its pending deliveries (each may be redelivered); false
     * when it was not active (another workflow gave up first), so its company is told once.
     */
    async disableEndpoint(id: number, reason: string): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const now = nowIso();
        const result = await trx
          .updateTable('webhook_endpoints')
          .set({ is_active: 0, disabled_reason: reason, updated_at: now })
          .where('id', '=', id)
          .where('is_active', '=', 1)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) return false;
        await trx
          .updateTable('webhook_deliveries')
          .set({ status: 'failed', next_attempt_at: null, last_error: reason, updated_at: now })
          .where('endpoint_id', '=', id)
          .where('status', '=', 'pending')
          .execute();
        return true;
      });
    },

    /**
     * Records the workorder's snapshot over revision `replacing` and its events' deliveries in one
     * transaction; false (nothing written) when the row no longer holds that revision.
     */
    async recordWithDeliveries(
      snapshot: WorkorderSnapshot,
      replacing: number,
      deliveries: NewDelivery[],
    ): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        if (!(await workorderRepository(trx).recordSnapshot(snapshot, replacing))) return false;
        if (deliveries.length === 0) return true;
        const now = nowIso();
        await trx
          .insertInto('webhook_deliveries')
          .values(
            deliveries.map((d) => ({
              ...d,
              status: 'pending' as const,
              attempts: 0,
              creation_date: now,
              updated_at: now,
            })),
          )
          .onConflict((oc) => oc.columns(['endpoint_id', 'message_id']).doNothing())
          .execute();
        return true;
      });
    },
    /** The endpoints with deliveries still pending for this workorder at this revision. */
    async pendingEndpointsAt(workorderId: number, revision: number): Promise<number[]> {
      const rows = await db
        .selectFrom('webhook_deliveries')
        .select('endpoint_id')
        .distinct()
        .where('workorder_id', '=', workorderId)
        .where('revision', '=', revision)
        .where('status', '=', 'pending')
        .execute();
      return rows.map((r) => r.endpoint_id);
    },
    /** The workorders whose deliveries to this endpoint are still pending. */
    async pendingWorkordersOf(endpointId: number): Promise<number[]> {
      const rows = await db
        .selectFrom('webhook_deliveries')
        .select('workorder_id')
        .distinct()
        .where('endpoint_id', '=', endpointId)
        .where('status', '=', 'pending')
        .execute();
      return rows.map((r) => r.workorder_id);
    },
    /** The oldest pending delivery of one endpoint's stream for one workorder. */
    async nextPending(endpointId: number, workorderId: number): Promise<WebhookDeliveryRow | undefined> {
      return db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('endpoint_id', '=', endpointId)
        .where('workorder_id', '=', workorderId)
        .where('status', '=', 'pending')
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
    },
    async deliveryById(id: number): Promise<WebhookDeliveryRow | undefined> {
      return db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async deliveryFor(endpointId: number, id: number): Promise<WebhookDeliveryRow | undefined> {
      return db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('endpoint_id', '=', endpointId)
        .where('id', '=', id)
        .executeTakeFirst();
    },
    async listDeliveries(
      endpointId: number,
      filter: { status?: WebhookDeliveryRow['status']; limit: number; offset: number },
    ): Promise<{ rows: WebhookDeliveryRow[]; count: number }> {
      let q = db.selectFrom('webhook_deliveries').where('endpoint_id', '=', endpointId);
      if (filter.status) q = q.where('status', '=', filter.status);
      const [rows, total] = await Promise.all([
        q.selectAll().orderBy('id', 'desc').limit(filter.limit).offset(filter.offset).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { rows, count: Number(total.n) };
    },
    /** One attempt's outcome; a pending delivery only (a redelivery resets it to pending). */
    async recordAttempt(id: number, attempt: DeliveryAttempt): Promise<void> {
      const now = nowIso();
      await db
        .updateTable('webhook_deliveries')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          last_status_code: attempt.statusCode,
          last_error: attempt.error,
          last_response: attempt.response,
          next_attempt_at: attempt.delivered ? null : attempt.nextAttemptAt,
          ...(attempt.delivered ? { status: 'delivered' as const, delivered_at: now } : {}),
          updated_at: now,
        }))
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
    },
    async markFailed(id: number, reason: string): Promise<void> {
      await db
        .updateTable('webhook_deliveries')
        .set({ status: 'failed', next_attempt_at: null, last_error: reason, updated_at: nowIso() })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
    },
    /** Sends it again (the same `webhook-id` and body): pending, after the stream's earlier ones. */
    async redeliver(id: number): Promise<WebhookDeliveryRow> {
      return db
        .updateTable('webhook_deliveries')
        .set({ status: 'pending', next_attempt_at: nowIso(), updated_at: nowIso() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },
  };
}
export type WebhookRepository = ReturnType<typeof webhookRepository>;

export function endpointEvents(row: Pick<WebhookEndpointRow, 'events'>): WebhookEvent[] {
  return JSON.parse(row.events) as WebhookEvent[];
}
