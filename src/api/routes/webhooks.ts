import type { Request } from 'express';
import { z } from 'zod';
import { WEBHOOK_EVENTS } from '../../shared/webhooks';
import type { WebhookDeliveryRow, WebhookEndpointRow } from '../../store/schema';
import { endpointEvents, newWebhookSecret } from '../../store/webhooks';
import { urlProblem } from '../../webhooks/target';
import type { Auth } from '../auth';
import type { ApiDeps } from '../context';
import { fieldError, invalidState, notFound } from '../errors';
import { idempotent } from '../idempotency';
import { pageOf, paginated, paginationQuery } from '../pagination';
import { AUTH_ERRORS, OBJECT_ERRORS, pathId, type RouteSpec } from '../route';
import { countField, idField, named, pageSchema, timestampField } from '../schemas';
import { boolean, parseBody, parseQuery, text } from '../validation';

const events = z
  .array(z.enum(WEBHOOK_EVENTS, { error: 'Select a valid choice.' }), { error: 'Expected a list of items.' })
  .min(1, { error: 'Choose at least one event.' })
  .max(WEBHOOK_EVENTS.length * 2)
  .transform((list) => WEBHOOK_EVENTS.filter((e) => list.includes(e)));
const url = text({ max: 2000 });

const createBody = z.object({
  url,
  events,
  description: text({ max: 255, allowBlank: true }).optional(),
});
const changeBody = z.object({
  url: url.optional(),
  events: events.optional(),
  description: text({ max: 255, allowBlank: true }).optional(),
  is_active: boolean().optional(),
});
const deliveriesQuery = z.object({
  ...paginationQuery,
  status: z.enum(['pending', 'delivered', 'failed'], { error: 'Select a valid choice.' }).optional(),
});

const endpointSchema = named(
  'WebhookEndpoint',
  z.object({
    id: idField(),
    url: z.string(),
    description: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENTS)),
    is_active: z.boolean(),
    disabled_reason: z.string().nullable(),
    creation_date: timestampField(),
    updated_at: timestampField(),
  }),
  'A webhook endpoint (its secret is in its creation answer only).',
);
const createdEndpointSchema = named(
  'WebhookEndpointCreated',
  z.object({ ...endpointSchema.shape, secret: z.string() }),
  'A new webhook endpoint with its signing secret (`whsec_...`), shown this once.',
);
const deliverySchema = named(
  'WebhookDelivery',
  z.object({
    id: idField(),
    webhook_id: z.string(),
    event_type: z.string(),
    workorder: idField(),
    revision: z.int(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: countField(),
    last_status_code: z.int().nullable(),
    last_error: z.string().nullable(),
    last_response: z.string().nullable(),
    next_attempt: timestampField().nullable(),
    creation_date: timestampField(),
    delivered_at: timestampField().nullable(),
  }),
  'One event for one endpoint, with its delivery log.',
);
const endpointPage = pageSchema('WebhookEndpointPage', endpointSchema);
const deliveryPage = pageSchema('WebhookDeliveryPage', deliverySchema);

/** The endpoint as the API shows it: never its secret, which only its creation answers. */
function endpointJson(row: WebhookEndpointRow): z.infer<typeof endpointSchema> {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: endpointEvents(row),
    is_active: row.is_active === 1,
    disabled_reason: row.disabled_reason,
    creation_date: row.creation_date,
    updated_at: row.updated_at,
  };
}

function deliveryJson(row: WebhookDeliveryRow): z.infer<typeof deliverySchema> {
  return {
    id: row.id,
    webhook_id: row.message_id,
    event_type: row.event_type,
    workorder: row.workorder_id,
    revision: row.revision,
    status: row.status,
    attempts: row.attempts,
    last_status_code: row.last_status_code,
    last_error: row.last_error,
    last_response: row.last_response,
    next_attempt: row.status === 'pending' ? row.next_attempt_at : null,
    creation_date: row.creation_date,
    delivered_at: row.delivered_at,
  };
}

function checkUrl(deps: ApiDeps, value: string): void {
  const problem = urlProblem(value, deps.config.webhooks);
  if (problem) throw fieldError('url', problem);
}

async function companyEndpoint(deps: ApiDeps, auth: Auth, req: Request): Promise<WebhookEndpointRow> {
  const row = await deps.repos.webhooks.endpointFor(auth.company.id, pathId(req));
  if (!row) throw notFound();
  return row;
}

function deliveryId(req: Request): number {
  const raw = req.params.delivery_id;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw) || Number(raw) < 1) throw notFound();
  return Number(raw);
}

/** Webhook endpoints and their deliveries (docs/webhooks.md); each company sees only its own. */
export const webhookRoutes: RouteSpec[] = [
  {
    tag: 'Webhooks',
    auth: 'token',
    permission: 'webhook_manage',
    method: 'get',
    path: '/api/v2/webhooks/',
    summary: 'The company’s webhook endpoints',
    query: z.object(paginationQuery),
    responses: {
      200: {
        description: 'A page of endpoints, newest first (without their secrets).',
        schema: endpointPage,
      },
      400: 'Bad query.',
      ...AUTH_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      const page = pageOf(parseQuery(z.object(paginationQuery), req.query));
      const { rows, count } = await deps.repos.webhooks.listEndpoints(auth.company.id, page);
      res.json(paginated(req, deps.config.publicUrl, page, count, rows.map(endpointJson)));
    },
  },
  {
    tag: 'Webhooks',
    auth: 'token',
    permission: 'webhook_manage',
    method: 'post',
    path: '/api/v2/webhooks/',
    summary: 'Add a webhook endpoint; its signing secret is in this answer only',
    body: createBody,
    responses: {
      201: { description: 'Created, with `secret` (`whsec_...`).', schema: createdEndpointSchema },
      400: 'Invalid, keyed by field.',
      ...AUTH_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      await idempotent(deps, req, res, auth.company.id, async () => {
        const body = parseBody(createBody, req.body);
        checkUrl(deps, body.url);
        const secret = newWebhookSecret();
        const row = await deps.repos.webhooks.createEndpoint(auth.company.id, {
          url: body.url,
          description: body.description ?? '',
          events: body.events,
          sealedSecret: deps.webhookSecrets.seal(secret),
        });
        return {
          status: 201,
          body: { ...endpointJson(row), secret },
          headers: { Location: `${deps.config.publicUrl}/api/v2/webhooks/${row.id}/` },
        };
      });
    },
  },
  {
    tag: 'Webhooks',
    auth: 'token',
    permission: 'webhook_manage',
    method: 'get',
    path: '/api/v2/webhooks/:id/',
    summary: 'One webhook endpoint',
    responses: {
      200: { description: 'The endpoint (without its secret).', schema: endpointSchema },
      ...OBJECT_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      res.json(endpointJson(await companyEndpoint(deps, auth, req)));
    },
  },
  {
    tag: 'Webhooks',
    auth: 'token',
    permission: 'webhook_manage',
    method: 'patch',
    path: '/api/v2/webhooks/:id/',
    summary: 'Change an endpoint’s URL, events or description, or enable or disable it',
    body: changeBody,
    responses: {
      200: { description: 'Changed.', schema: endpointSchema },
      400: 'Invalid, keyed by field.',
      503: 'Temporal unreachable.',
      ...OBJECT_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      const current = await companyEndpoint(deps, auth, req);
      const body = parseBody(changeBody, req.body ?? {});
      if (body.url !== undefined) checkUrl(deps, body.url);
      const row = await deps.repos.webhooks.updateEndpoint(current.id, body);
      // Enabled again: its streams with deliveries still pending go on where they stopped.
      if (row.is_active === 1 && current.is_active !== 1) {
        const workorders = await deps.repos.webhooks.pendingWorkordersOf(row.id);
        await deps.gateway.wakeWebhookDeliveries(row.id, workorders);
      }
      res.json(endpointJson(row));
    },
  },
  {
    tag: 'Webhooks',
    auth: 'token',
    permission: 'webhook_manage',
    method: 'delete',
    path: '/api/v2/webhooks/:id/',
    summary: 'Remove an endpoint and its delivery log',
    responses: { 204: 'Removed.', ...OBJECT_ERRORS },
    async handle({ req, res, auth, deps }) {
      await deps.repos.webhooks.deleteEndpoint((await companyEndpoint(deps, auth, req)).id);
      res.status(204).end();
    },
  },
  {
    tag: 'Webhooks',
    auth: 'token',
    permission: 'webhook_manage',
    method: 'get',
    path: '/api/v2/webhooks/:id/deliveries/',
    summary: 'The endpoint’s deliveries: status, attempts, last status code, next attempt',
    query: deliveriesQuery,
    responses: {
      200: { description: 'A page of deliveries, newest first.', schema: deliveryPage },
      400: 'Bad query.',
      ...OBJECT_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      const endpoint = await companyEndpoint(deps, auth, req);
      const q = parseQuery(deliveriesQuery, req.query);
      const page = pageOf(q);
      const { rows, count } = await deps.repos.webhooks.listDeliveries(endpoint.id, {
        ...page,
        status: q.status,
      });
      res.json(paginated(req, deps.config.publicUrl, page, count, rows.map(deliveryJson)));
    },
  },
  {
    tag: 'Webhooks',
    auth: 'token',
    permission: 'webhook_manage',
    method: 'post',
    path: '/api/v2/webhooks/:id/deliveries/:delivery_id/redeliver/',
    summary: 'Send a delivery again (the same webhook-id and body)',
    responses: {
      202: {
        description: 'Pending again; sent after the stream’s earlier pending deliveries.',
        schema: deliverySchema,
      },
      409: 'The endpoint is disabled.',
      503: 'Temporal unreachable.',
      ...OBJECT_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      const endpoint = await companyEndpoint(deps, auth, req);
      const delivery = await deps.repos.webhooks.deliveryFor(endpoint.id, deliveryId(req));
      if (!delivery) throw notFound();
      if (endpoint.is_active !== 1) {
        throw invalidState('The endpoint is disabled; enable it (PATCH is_active) first.');
      }
      const row = await deps.repos.webhooks.redeliver(delivery.id);
      await deps.gateway.wakeWebhookDeliveries(endpoint.id, [row.workorder_id]);
      res.status(202).json(deliveryJson(row));
    },
  },
];
