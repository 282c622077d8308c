import { randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { isUniqueViolation } from '../../store/database';
import type { CompanyRow, ProductRow } from '../../store/schema';
import type { NewWorkorder } from '../../store/workorders';
import { snapshotFromRow } from '../../store/workorders';
import { MAX_QUANTITY } from '../../shared/workorder';
import { authorized, type Auth } from '../auth';
import type { ApiDeps } from '../context';
import { fieldError, forbidden, invalidPk, unavailable } from '../errors';
import { idempotent, type Answer } from '../idempotency';
import { isUnavailable } from '../temporal';
import { boolean, date, id, integer, parseBody, text } from '../validation';
import { renderWorkorder } from '../workorder-view';
import { startWorkorderWorkflow } from '../workflow-start';
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

function generatedReference(): string {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  return `WO-${day}-${randomBytes(4).toString('hex').toUpperCase()}`;
}

async function resolvePartner(
  deps: ApiDeps,
  partnerId: number | null | undefined,
): Promise<CompanyRow | null> {
  if (partnerId === null || partnerId === undefined) return null;
  const partner = await deps.repos.companies.byId(partnerId);
  if (!partner || partner.company_type !== 'printing_partner')
    throw fieldError('printing_partner', invalidPk(partnerId));
  return partner;
}

/**
 * A live product of the company, named by id (a JSON number) or by SKU (a string; a string of
 * digits that is no SKU is then tried as an id, for clients that send every value as a string).
 */
async function resolveProduct(
  deps: ApiDeps,
  companyId: number,
  product: string | number | null | undefined,
): Promise<ProductRow | null> {
  if (product === null || product === undefined || product === '') return null;
  const products = deps.repos.products;
  const asId = typeof product === 'number' || /^\d{1,15}$/.test(product.trim()) ? Number(product) : NaN;
  const found =
    (typeof product === 'string' ? await products.activeBySku(companyId, product.trim()) : undefined) ??
    (Number.isSafeInteger(asId) ? await products.activeById(companyId, asId) : undefined);
  if (!found) {
    throw fieldError('product', `Invalid product "${String(product)}" - no product with this id or SKU.`);
  }
  return found;
}

function brandOwner(req: Request): Auth {
  const auth = authorized(req, 'workorder_create');
  if (auth.company.company_type !== 'brand_owner')
    throw forbidden('Only brand owners can create workorders.');
  return auth;
}

/**
 * Writes the row, then starts its workflow. If Temporal cannot be reached the row is removed and
 * the client gets a 503; if this process dies in between, the reconciler starts the workflow.
 */
async function createWorkorder(
  deps: ApiDeps,
  auth: Auth,
  fields: Omit<NewWorkorder, 'reference' | 'keyId'> & { reference?: string | null },
): Promise<Answer> {
  const explicitReference = fields.reference ?? null;
  if (
    explicitReference !== null &&
    (await deps.repos.workorders.referenceTaken(auth.company.id, explicitReference))
  ) {
    throw fieldError('reference', 'A workorder with this reference already exists in the company.');
  }
  let row;
  for (let attempt = 0; !row; attempt++) {
    try {
      row = await deps.repos.workorders.create({
        ...fields,
        reference: explicitReference ?? generatedReference(),
        keyId: deps.config.codeKeyId,
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      if (explicitReference !== null || attempt > 3) {
        throw fieldError('reference', 'A workorder with this reference already exists in the company.');
      }
    }
  }
  try {
    await startWorkorderWorkflow(deps, row, auth.company);
  } catch (err) {
    await deps.repos.workorders.deleteUnstarted(row.id);
    if (isUnavailable(err))
      throw unavailable('The workflow service is unavailable; the workorder was not created.');
    // The id was used by an earlier workflow (e.g. a database restored behind Temporal): a retry gets a new id.
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw unavailable('The workorder could not be started and was not created; try again.', 1);
    }
    throw err;
  }
  const started = { ...row, workflow_started: 1 };
  const body = await renderWorkorder(deps, started, snapshotFromRow(started));
  return {
    status: 201,
    body,
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
        const template = await deps.repos.templates.byIdForCompany(body.template, auth.company.id);
        if (!template || template.is_archived === 1) throw fieldError('template', invalidPk(body.template));
        const partner = await resolvePartner(deps, body.printing_partner ?? template.printing_partner_id);
        if (template.type === 'SSC' && !partner) {
          throw fieldError('printing_partner', 'A printing partner is required for SSC workorders.');
        }
        const totalImpressions = body.total_impressions ?? null;
        if (totalImpressions !== null && template.is_static_print !== 1) {
          throw fieldError('total_impressions', 'Only applicable to workorders of a static template.');
        }
        const product = await resolveProduct(deps, auth.company.id, body.product);
        return createWorkorder(deps, auth, {
          companyId: auth.company.id,
          printingPartnerId: partner?.id ?? null,
          templateId: template.id,
          type: template.type,
          reference: body.reference,
          remarks: body.remarks ?? '',
          quantity: body.quantity,
          dueDate: body.due_date ?? null,
          totalImpressions,
          codeLayout: template.code_layout,
          useSerialNumber: template.use_serial_number === 1,
          activateOnComplete: template.activate_on_complete === 1,
          isStaticPrint: template.is_static_print === 1,
          isHybrid: template.is_hybrid === 1,
          urlPrefix: template.url_prefix,
          productId: product?.id ?? null,
          brandId: product?.brand_id ?? null,
        });
      });
    })
    .all(methodNotAllowed);

  router
    .route('/workorders/create-sid/')
    .post(async (req, res) => {
      const auth = brandOwner(req);
      await idempotent(deps.repos, req, res, auth.company.id, async () => {
        const body = parseBody(createSidBody, req.body);
        const partner = await resolvePartner(deps, body.printing_partner);
        const product = await resolveProduct(deps, auth.company.id, body.product);
        return createWorkorder(deps, auth, {
          companyId: auth.company.id,
          printingPartnerId: partner?.id ?? null,
          templateId: null,
          type: 'SID',
          reference: body.reference,
          remarks: body.remarks ?? '',
          quantity: body.quantity,
          dueDate: body.due_date ?? null,
          totalImpressions: null,
          codeLayout: 'qr',
          useSerialNumber: body.use_serial_number ?? true,
          activateOnComplete: body.activate_on_complete,
          isStaticPrint: false,
          isHybrid: false,
          urlPrefix: deps.config.defaultUrlPrefix,
          productId: product?.id ?? null,
          brandId: product?.brand_id ?? null,
        });
      });
    })
    .all(methodNotAllowed);

  return router;
}
