import { Router, type Request } from 'express';
import { z } from 'zod';
import type { WorkorderRow } from '../../store/schema';
import { snapshotFromRow } from '../../store/workorders';
import { MAX_QUANTITY } from '../../shared/workorder';
import { createFromTemplate, createSid } from '../../workorders/service';
import { authorized, type Auth } from '../auth';
import type { ApiDeps } from '../context';
import { forbidden } from '../errors';
import { idempotent, type Answer } from '../idempotency';
import { boolean, date, id, integer, parseBody, text } from '../validation';
import { renderWorkorder } from '../workorder-view';
import { methodNotAllowed } from './common';

const optionalFields = {
  reference: text({ max: 255 }).nullable().optional(),
  printing_partner: id().nullable().optional(),
  product: z.union([z.string(), z.number()], { error: 'Invalid product.' }).nullable().optional(),
  due_date: date().nullable().optional(),
  remarks: text({ max: 2000, allowBlank: true }).nullable().optional(),
};

export const createFromTemplateBody = z.object({
  template: id(),
  quantity: integer(1, MAX_QUANTITY),
  total_impressions: integer(1, 1_000_000_000).nullable().optional(),
  ...optionalFields,
});

export const createSidBody = z.object({
  reference: text({ max: 255 }),
  quantity: integer(1, MAX_QUANTITY),
  activate_on_complete: boolean(),
  use_serial_number: boolean().optional(),
  printing_partner: optionalFields.printing_partner,
  product: optionalFields.product,
  due_date: optionalFields.due_date,
  remarks: optionalFields.remarks,
});

function brandOwner(req: Request): Auth {
  const auth = authorized(req, 'workorder_create');
  if (auth.company.company_type !== 'brand_owner')
    throw forbidden('Only brand owners can create workorders.');
  return auth;
}

/** The 201 of a create: the new workorder, named by `Location`. */
async function created(deps: ApiDeps, row: WorkorderRow): Promise<Answer> {
  return {
    status: 201,
    body: await renderWorkorder(deps, row, snapshotFromRow(row)),
    headers: { Location: `${deps.config.publicUrl}/api/v2/workorders/${row.id}/` },
  };
}

export function workorderCreateRoutes(deps: ApiDeps): Router {
  const router = Router();

  router
    .route('/workorders/create-from-template/')
    .post(async (req, res) => {
      const auth = brandOwner(req);
      await idempotent(deps.repos, req, res, auth.company.id, async () => {
        const body = parseBody(createFromTemplateBody, req.body);
        const row = await createFromTemplate(deps, auth.company, {
          templateId: body.template,
          quantity: body.quantity,
          reference: body.reference ?? null,
          printingPartnerId: body.printing_partner ?? null,
          product: body.product ?? null,
          dueDate: body.due_date ?? null,
          totalImpressions: body.total_impressions ?? null,
          remarks: body.remarks ?? '',
        });
        return created(deps, row);
      });
    })
    .all(methodNotAllowed);

  router
    .route('/workorders/create-sid/')
    .post(async (req, res) => {
      const auth = brandOwner(req);
      await idempotent(deps.repos, req, res, auth.company.id, async () => {
        const body = parseBody(createSidBody, req.body);
        const row = await createSid(deps, auth.company, {
          reference: body.reference,
          quantity: body.quantity,
          activateOnComplete: body.activate_on_complete,
          useSerialNumber: body.use_serial_number ?? true,
          printingPartnerId: body.printing_partner ?? null,
          product: body.product ?? null,
          dueDate: body.due_date ?? null,
          remarks: body.remarks ?? '',
        });
        return created(deps, row);
      });
    })
    .all(methodNotAllowed);

  return router;
}
