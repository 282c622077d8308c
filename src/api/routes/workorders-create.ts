import { z } from 'zod';
import type { WorkorderRow } from '../../store/schema';
import { snapshotFromRow } from '../../store/workorders';
import { MAX_QUANTITY } from '../../shared/workorder';
import { createFromTemplate, createSid } from '../../workorders/service';
import type { Auth } from '../auth';
import type { ApiDeps } from '../context';
import { idempotent, type Answer } from '../idempotency';
import { listSchema, pageOf, paginated } from '../pagination';
import { AUTH_ERRORS, type RouteSpec } from '../route';
import { pageSchema, templateSchema, workorderSchema } from '../schemas';
import { templateJson } from '../serialize';
import { boolean, date, id, integer, lookupText, parseBody, parseQuery, text } from '../validation';
import { renderWorkorder } from '../workorder-view';

const optionalFields = {
  reference: text({ max: 255 }).nullable().optional(),
  printing_partner: id().nullable().optional(),
  product: lookupText('Invalid product.').nullable().optional(),
  due_date: date().nullable().optional(),
  remarks: text({ max: 2000, allowBlank: true, multiline: true }).nullable().optional(),
};

const createFromTemplateBody = z.object({
  template: id(),
  quantity: integer(1, MAX_QUANTITY),
  total_impressions: integer(1, 1_000_000_000).nullable().optional(),
  ...optionalFields,
});

const createSidBody = z.object({
  reference: text({ max: 255 }),
  quantity: integer(1, MAX_QUANTITY),
  activate_on_complete: boolean(),
  use_serial_number: boolean().optional(),
  printing_partner: optionalFields.printing_partner,
  product: optionalFields.product,
  due_date: optionalFields.due_date,
  remarks: optionalFields.remarks,
});

const templatePage = pageSchema('TemplatePage', templateSchema);

const BRAND_OWNERS_ONLY = {
  companyType: 'brand_owner',
  refusal: 'Only brand owners can create workorders.',
} as const;

const CREATE_RESPONSES = {
  400: 'Invalid, keyed by field.',
  422: 'Idempotency-Key reused with another body.',
  503: 'Temporal unreachable; nothing created.',
  ...AUTH_ERRORS,
};

/** The 201 of a create: the new workorder, named by `Location`. */
async function created(deps: ApiDeps, auth: Auth, row: WorkorderRow): Promise<Answer> {
  return {
    status: 201,
    body: await renderWorkorder(deps, auth, row, snapshotFromRow(row)),
    headers: { Location: `${deps.config.publicUrl}/api/v2/workorders/${row.id}/` },
  };
}

/** The templates to order from, and the two ways to order (the business rules: workorders/service.ts). */
export const workorderCreateRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/api/v2/workorders/templates/',
    summary: 'The company’s workorder templates',
    tag: 'Workorders',
    auth: 'token',
    permission: 'workorder_view',
    query: listSchema,
    responses: {
      200: { description: 'A page of templates.', schema: templatePage },
      400: 'Bad query.',
      ...AUTH_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      const page = pageOf(parseQuery(listSchema, req.query));
      const { rows, count } = await deps.repos.templates.listForCompany(auth.company.id, page);
      const rights = await deps.repos.partnerships.rightsOf(
        rows.flatMap((t) => (t.printing_partner_id ? [[t.company_id, t.printing_partner_id]] : [])),
      );
      const results = rows.map((t) => templateJson(t, rights));
      res.json(paginated(req, deps.config.publicUrl, page, count, results));
    },
  },
  {
    method: 'post',
    path: '/api/v2/workorders/create-from-template/',
    summary: 'Create a workorder from a template',
    tag: 'Workorders',
    auth: 'token',
    permission: 'workorder_create',
    caller: BRAND_OWNERS_ONLY,
    body: createFromTemplateBody,
    responses: {
      201: { description: 'Created; Location names it.', schema: workorderSchema },
      ...CREATE_RESPONSES,
    },
    async handle({ req, res, auth, deps }) {
      await idempotent(deps, req, res, auth.company.id, async () => {
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
        return created(deps, auth, row);
      });
    },
  },
  {
    method: 'post',
    path: '/api/v2/workorders/create-sid/',
    summary: 'Create a SID workorder without a template (legacy)',
    tag: 'Workorders',
    auth: 'token',
    permission: 'workorder_create',
    caller: BRAND_OWNERS_ONLY,
    body: createSidBody,
    responses: { 201: { description: 'Created.', schema: workorderSchema }, ...CREATE_RESPONSES },
    async handle({ req, res, auth, deps }) {
      await idempotent(deps, req, res, auth.company.id, async () => {
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
        return created(deps, auth, row);
      });
    },
  },
];
