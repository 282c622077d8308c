import { randomBytes } from 'node:crypto';
import type { Config } from '../config';
import type { Repositories } from '../store';
import { isUniqueViolation } from '../store/database';
import type { CompanyRow, ProductRow, WorkorderRow } from '../store/schema';
import type { NewWorkorder } from '../store/workorders';
import type { WorkorderInput } from '../shared/workorder';
import { InvalidField, UnknownReference, WorkflowIdReused, WorkflowUnavailable } from './errors';
import { workflowSummary, workorderInput } from './workflow-input';

/**
 * Creating workorders: the rules of an order, the row, then its workflow (docs/product.md, Creating
 * a workorder). A row never stays without its workflow: a start Temporal refuses removes the row,
 * and a row left by a crash in between is started by `reconcileUnstarted`.
 */

/** What creating needs of Temporal (the API's WorkflowGateway), with its refusals as domain errors. */
export interface WorkflowStarter {
  /** Throws WorkflowUnavailable (Temporal unreachable) or WorkflowIdReused; a running twin is reused. */
  start(input: WorkorderInput, summary: string, details: string): Promise<void>;
}

export interface WorkorderServiceDeps {
  repos: Repositories;
  gateway: WorkflowStarter;
  config: Config;
}

/** Codes from one of the company's templates; the template fixes type, layout and serials. */
export interface TemplateOrder {
  templateId: number;
  quantity: number;
  /** Unique in the company; generated when null. */
  reference: string | null;
  /** The template's partner when null. */
  printingPartnerId: number | null;
  /** A live product of the company, by id or SKU. */
  product: string | number | null;
  dueDate: string | null;
  /** Only for static templates. */
  totalImpressions: number | null;
  remarks: string;
}

/** A SID workorder without a template (the legacy create-sid endpoint). */
export interface SidOrder {
  reference: string;
  quantity: number;
  activateOnComplete: boolean;
  useSerialNumber: boolean;
  printingPartnerId: number | null;
  product: string | number | null;
  dueDate: string | null;
  remarks: string;
}

type WorkorderFields = Omit<NewWorkorder, 'reference' | 'keyId'>;

const REFERENCE_TAKEN = 'A workorder with this reference already exists in the company.';
/** Tries at a free generated reference before the order is refused as a duplicate. */
const GENERATED_REFERENCE_ATTEMPTS = 5;

export async function createFromTemplate(
  deps: WorkorderServiceDeps,
  company: CompanyRow,
  order: TemplateOrder,
): Promise<WorkorderRow> {
  const template = await deps.repos.templates.byIdForCompany(order.templateId, company.id);
  if (!template || template.is_archived === 1) throw new UnknownReference('template', order.templateId);
  const partner = await linkedPartner(
    deps.repos,
    company.id,
    order.printingPartnerId ?? template.printing_partner_id,
  );
  if (template.type === 'SSC' && !partner) {
    throw new InvalidField('printing_partner', 'A printing partner is required for SSC workorders.');
  }
  if (order.totalImpressions !== null && template.is_static_print !== 1) {
    throw new InvalidField('total_impressions', 'Only applicable to workorders of a static template.');
  }
  const product = await liveProduct(deps.repos, company.id, order.product);
  return createWorkorder(deps, company, order.reference, {
    companyId: company.id,
    printingPartnerId: partner?.id ?? null,
    templateId: template.id,
    type: template.type,
    remarks: order.remarks,
    quantity: order.quantity,
    dueDate: order.dueDate,
    totalImpressions: order.totalImpressions,
    codeLayout: template.code_layout,
    useSerialNumber: template.use_serial_number === 1,
    activateOnComplete: template.activate_on_complete === 1,
    isStaticPrint: template.is_static_print === 1,
    isHybrid: template.is_hybrid === 1,
    urlPrefix: template.url_prefix,
    productId: product?.id ?? null,
    brandId: product?.brand_id ?? null,
  });
}

export async function createSid(
  deps: WorkorderServiceDeps,
  company: CompanyRow,
  order: SidOrder,
): Promise<WorkorderRow> {
  const partner = await linkedPartner(deps.repos, company.id, order.printingPartnerId);
  const product = await liveProduct(deps.repos, company.id, order.product);
  return createWorkorder(deps, company, order.reference, {
    companyId: company.id,
    printingPartnerId: partner?.id ?? null,
    templateId: null,
    type: 'SID',
    remarks: order.remarks,
    quantity: order.quantity,
    dueDate: order.dueDate,
    totalImpressions: null,
    codeLayout: 'qr',
    useSerialNumber: order.useSerialNumber,
    activateOnComplete: order.activateOnComplete,
    isStaticPrint: false,
    isHybrid: false,
    urlPrefix: deps.config.defaultUrlPrefix,
    productId: product?.id ?? null,
    brandId: product?.brand_id ?? null,
  });
}

/** Starts the row's workflow and records that it did; a retried start finds the running workflow. */
export async function startWorkorderWorkflow(
  deps: WorkorderServiceDeps,
  row: WorkorderRow,
  company: CompanyRow,
): Promise<void> {
  const { summary, details } = workflowSummary(row, company);
  await deps.gateway.start(workorderInput(row, company, deps.config), summary, details);
  await deps.repos.workorders.markWorkflowStarted(row.id);
}

/**
 * Starts the workflow of every row the API wrote but did not see started (it crashed in between).
 * Only rows older than a request's own deadline are taken, so a live request is never raced.
 */
export async function reconcileUnstarted(deps: WorkorderServiceDeps, olderThanMs = 60_000): Promise<number> {
  const rows = await deps.repos.workorders.listUnstarted(new Date(Date.now() - olderThanMs).toISOString());
  let started = 0;
  for (const row of rows) {
    const company = await deps.repos.companies.byId(row.company_id);
    if (!company) continue;
    await startWorkorderWorkflow(deps, row, company);
    started += 1;
  }
  return started;
}

/** Writes the row, then starts its workflow; the started row is returned. */
async function createWorkorder(
  deps: WorkorderServiceDeps,
  company: CompanyRow,
  reference: string | null,
  fields: WorkorderFields,
): Promise<WorkorderRow> {
  if (reference !== null && (await deps.repos.workorders.referenceTaken(company.id, reference))) {
    throw new InvalidField('reference', REFERENCE_TAKEN);
  }
  const row = await insertWorkorder(deps, reference, fields);
  try {
    await startWorkorderWorkflow(deps, row, company);
  } catch (err) {
    await deps.repos.workorders.deleteUnstarted(row.id);
    if (err instanceof WorkflowUnavailable) {
      throw new WorkflowUnavailable('The workflow service is unavailable; the workorder was not created.');
    }
    // A new row gets a new id, and with it a new workflow id: the client's retry can succeed.
    if (err instanceof WorkflowIdReused) {
      throw new WorkflowUnavailable('The workorder could not be started and was not created; try again.', 1);
    }
    throw err;
  }
  return { ...row, workflow_started: 1 };
}

/** Inserts the row; a generated reference that a concurrent order took is generated again. */
async function insertWorkorder(
  deps: WorkorderServiceDeps,
  reference: string | null,
  fields: WorkorderFields,
): Promise<WorkorderRow> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.repos.workorders.create({
        ...fields,
        reference: reference ?? generatedReference(),
        keyId: deps.config.codeKeyId,
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      if (reference !== null || attempt >= GENERATED_REFERENCE_ATTEMPTS) {
        throw new InvalidField('reference', REFERENCE_TAKEN);
      }
    }
  }
}

function generatedReference(): string {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  return `WO-${day}-${randomBytes(4).toString('hex').toUpperCase()}`;
}

/**
 * The printing partner, when the brand has an active partnership with it (docs/product.md,
 * Partnerships). An unknown company, a brand and a partner without partnership get the same
 * refusal, so ids reveal nothing; a template's partner is checked the same way, on `printing_partner`.
 */
async function linkedPartner(
  repos: Repositories,
  brandId: number,
  partnerId: number | null,
): Promise<CompanyRow | null> {
  if (partnerId === null) return null;
  const partnership = await repos.partnerships.active(brandId, partnerId);
  const partner = partnership ? await repos.companies.byId(partnerId) : undefined;
  if (!partner) throw new UnknownReference('printing_partner', partnerId);
  return partner;
}

/**
 * A live product of the company, named by id (a JSON number) or by SKU (a string; a string of
 * digits that is no SKU is then tried as an id, for clients that send every value as a string).
 */
async function liveProduct(
  repos: Repositories,
  companyId: number,
  product: string | number | null,
): Promise<ProductRow | null> {
  if (product === null || product === '') return null;
  const asId = typeof product === 'number' || /^\d{1,15}$/.test(product.trim()) ? Number(product) : NaN;
  const found =
    (typeof product === 'string' ? await repos.products.activeBySku(companyId, product.trim()) : undefined) ??
    (Number.isSafeInteger(asId) ? await repos.products.activeById(companyId, asId) : undefined);
  if (!found) {
    throw new InvalidField(
      'product',
      `Invalid product "${String(product)}" - no product with this id or SKU.`,
    );
  }
  return found;
}
