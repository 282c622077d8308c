import { z } from 'zod';
import { calibrationChartPdf, MEASUREMENT_BOUNDS } from '../../codes/calibration-chart';
import { calibrationParameters, today, type CalibrationListRow } from '../../store/printing';
import type { EquipmentRow, SubstrateRow } from '../../store/schema';
import { fieldError, fieldErrors, invalidPk, invalidState, notFound } from '../errors';
import { orderingQuery, pageOf, paginated, paginationQuery } from '../pagination';
import { AUTH_ERRORS, OBJECT_ERRORS, pathId, type RouteCall, type RouteSpec } from '../route';
import type { Auth } from '../auth';
import { idField, named, pageSchema, timestampField } from '../schemas';
import { date, id, integer, parseBody, parseQuery, text } from '../validation';

/**
 * A printing partner's own set-up (docs/partners.md, Presses, substrates and calibrations):
 * presses and substrates it creates, changes and archives, and calibrations as a step — asked for,
 * a chart printed and measured, the values submitted. Another company's objects are 404.
 */

const PARTNERS_ONLY = {
  companyType: 'printing_partner' as const,
  refusal: 'Only printing partners manage presses, substrates and calibrations.',
};
const SETUP = { caller: PARTNERS_ONLY, tag: 'Printing' as const };
const ARCHIVED_ERRORS = { 409: 'The object is archived.' };

/** A press prints at 150 to 4,800 dpi: the secure graphic is drawn at one image pixel per dot. */
const dpi = () => integer(150, 4800);

const equipmentBody = z.object({
  name: text({ max: 100 }),
  dpi: dpi(),
  model: text({ max: 100, allowBlank: true }).optional(),
  notes: text({ max: 1000, allowBlank: true }).optional(),
});
const equipmentPatch = equipmentBody.partial();
const substrateBody = z.object({
  name: text({ max: 100 }),
  description: text({ max: 1000, allowBlank: true }).optional(),
});
const substratePatch = substrateBody.partial();
const calibrationsQuery = z.object({
  ...paginationQuery,
  ordering: orderingQuery,
  equipment: id().optional(),
  substrate: id().optional(),
});
/** A calibration may end on a day; not one already past. */
const validUntil = () =>
  date()
    .refine((d) => d >= today(), { error: 'The date must be today or later.' })
    .nullable();
const calibrationBody = z.object({
  equipment: id(),
  substrate: id(),
  valid_until: validUntil().optional(),
});

function measure(key: keyof typeof MEASUREMENT_BOUNDS, integerOnly = false) {
  const { min, max } = MEASUREMENT_BOUNDS[key];
  const number = z
    .union([z.number(), z.string()], { error: 'A valid number is required.' })
    .transform((v, ctx) => {
      const n = typeof v === 'number' ? v : /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
      if (!Number.isFinite(n) || (integerOnly && !Number.isInteger(n))) {
        ctx.addIssue({
          code: 'custom',
          message: integerOnly ? 'A valid integer is required.' : 'A valid number is required.',
        });
        return z.NEVER;
      }
      return n;
    });
  return number.pipe(
    z
      .number()
      .min(min, { error: `Ensure this value is greater than or equal to ${min}.` })
      .max(max, { error: `Ensure this value is less than or equal to ${max}.` }),
  );
}
const measurementsBody = z.object({
  module_size_mm: measure('module_size_mm'),
  cell_dots: measure('cell_dots', true),
  dot_gain: measure('dot_gain'),
  ink_density: measure('ink_density').optional(),
  valid_until: validUntil().optional(),
});

export const equipmentSchema = named(
  'Equipment',
  z.object({
    id: idField(),
    name: z.string(),
    dpi: z.int(),
    model: z.string(),
    notes: z.string(),
    archived: z.boolean(),
    creation_date: timestampField(),
  }),
  'A press of a printing partner.',
);
export const substrateSchema = named(
  'Substrate',
  z.object({
    id: idField(),
    name: z.string(),
    description: z.string(),
    archived: z.boolean(),
    creation_date: timestampField(),
  }),
  'A material a printing partner prints on.',
);
const calibrationSchema = named(
  'Calibration',
  z.object({
    id: idField(),
    equipment: z.object({ id: idField(), name: z.string(), dpi: z.int() }),
    substrate: z.object({ id: idField(), name: z.string() }),
    status: z.enum(['measuring', 'active', 'expired']),
    approved: z.boolean(),
    parameters: z.record(z.string(), z.union([z.number(), z.string()])),
    valid_until: z.string().nullable(),
    measured_at: timestampField().nullable(),
    approved_at: timestampField().nullable(),
    chart: z.string(),
    creation_date: timestampField(),
  }),
  'A press × substrate calibration: `measuring` until its chart is measured, then `active` (or `expired`).',
);
const calibrationPage = pageSchema('CalibrationPage', calibrationSchema);

export function equipmentJson(e: EquipmentRow): z.infer<typeof equipmentSchema> {
  return {
    id: e.id,
    name: e.name,
    dpi: e.dpi,
    model: e.model,
    notes: e.notes,
    archived: e.archived_at !== null,
    creation_date: e.creation_date,
  };
}

export function substrateJson(s: SubstrateRow): z.infer<typeof substrateSchema> {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    archived: s.archived_at !== null,
    creation_date: s.creation_date,
  };
}

/** `measuring` until values are submitted, then `active`, or `expired` past its last day. */
export function calibrationState(c: {
  status: string;
  valid_until: string | null;
}): 'measuring' | 'active' | 'expired' {
  if (c.status === 'measuring') return 'measuring';
  return c.valid_until !== null && c.valid_until < today() ? 'expired' : 'active';
}

function calibrationJson(c: CalibrationListRow, publicUrl: string): z.infer<typeof calibrationSchema> {
  return {
    id: c.id,
    equipment: { id: c.equipment_id, name: c.equipment_name, dpi: c.equipment_dpi },
    substrate: { id: c.substrate_id, name: c.substrate_name },
    status: calibrationState(c),
    approved: c.approved_at !== null,
    parameters: calibrationParameters(c),
    valid_until: c.valid_until,
    measured_at: c.measured_at,
    approved_at: c.approved_at,
    chart: `${publicUrl}/api/v2/calibrations/${c.id}/chart/`,
    creation_date: c.creation_date,
  };
}

async function ownEquipment({ req, auth, deps }: RouteCall<Auth>): Promise<EquipmentRow> {
  const row = await deps.repos.printing.equipmentOf(auth.company.id, pathId(req));
  if (!row) throw notFound();
  return row;
}

async function ownSubstrate({ req, auth, deps }: RouteCall<Auth>): Promise<SubstrateRow> {
  const row = await deps.repos.printing.substrateOf(auth.company.id, pathId(req));
  if (!row) throw notFound();
  return row;
}

async function ownCalibration({ req, auth, deps }: RouteCall<Auth>): Promise<CalibrationListRow> {
  const row = await deps.repos.printing.calibrationOf(auth.company.id, pathId(req));
  if (!row) throw notFound();
  return row;
}

async function assertNameFree(
  call: RouteCall<Auth>,
  table: 'equipment' | 'substrates',
  name: string | undefined,
  exceptId?: number,
): Promise<void> {
  if (name === undefined) return;
  if (await call.deps.repos.printing.nameTaken(table, call.auth.company.id, name, exceptId)) {
    const noun = table === 'equipment' ? 'Equipment' : 'A substrate';
    throw fieldError('name', `${noun} with this name already exists.`);
  }
}

export const partnerSetupRoutes: RouteSpec[] = [
  {
    ...SETUP,
    auth: 'token',
    method: 'post',
    path: '/api/v2/equipment/',
    summary: 'Add a press',
    permission: 'printing_setup',
    body: equipmentBody,
    responses: {
      201: { description: 'The press.', schema: equipmentSchema },
      400: 'Bad field (dpi out of range, a name already used).',
      ...AUTH_ERRORS,
    },
    async handle(call) {
      const body = parseBody(equipmentBody, call.req.body);
      await assertNameFree(call, 'equipment', body.name);
      const row = await call.deps.repos.printing.createEquipment({
        companyId: call.auth.company.id,
        ...body,
      });
      call.res.status(201).json(equipmentJson(row));
    },
  },
  {
    ...SETUP,
    auth: 'token',
    method: 'get',
    path: '/api/v2/equipment/:id/',
    summary: 'A press',
    permission: 'workorder_view',
    responses: { 200: { description: 'The press.', schema: equipmentSchema }, ...OBJECT_ERRORS },
    async handle(call) {
      call.res.json(equipmentJson(await ownEquipment(call)));
    },
  },
  {
    ...SETUP,
    auth: 'token',
    method: 'patch',
    path: '/api/v2/equipment/:id/',
    summary: 'Change a press',
    permission: 'printing_setup',
    body: equipmentPatch,
    responses: {
      200: { description: 'The press.', schema: equipmentSchema },
      400: 'Bad field.',
      ...OBJECT_ERRORS,
      ...ARCHIVED_ERRORS,
    },
    async handle(call) {
      const row = await ownEquipment(call);
      const body = parseBody(equipmentPatch, call.req.body);
      if (row.archived_at) throw invalidState('An archived press cannot be changed.');
      await assertNameFree(call, 'equipment', body.name, row.id);
      call.res.json(equipmentJson(await call.deps.repos.printing.updateEquipment(row.id, body)));
    },
  },
  {
    ...SETUP,
    auth: 'token',
    method: 'post',
    path: '/api/v2/equipment/:id/archive/',
    summary: 'Archive a press (kept for the workorders naming it; out of the confirm list)',
    permission: 'printing_setup',
    responses: { 200: { description: 'The archived press.', schema: equipmentSchema }, ...OBJECT_ERRORS },
    async handle(call) {
      const row = await ownEquipment(call);
      call.res.json(equipmentJson(await call.deps.repos.printing.archiveEquipment(row.id)));
    },
  },
  {
    ...SETUP,
    auth: 'token',
    method: 'post',
    path: '/api/v2/substrates/',
    summary: 'Add a substrate',
    permission: 'printing_setup',
    body: substrateBody,
    responses: {
      201: { description: 'The substrate.', schema: substrateSchema },
      400: 'Bad field (a name already used).',
      ...AUTH_ERRORS,
    },
    async handle(call) {
      const body = parseBody(substrateBody, call.req.body);
      await assertNameFree(call, 'substrates', body.name);
      const row = await call.deps.repos.printing.createSubstrate({
        companyId: call.auth.company.id,
        name: body.name,
        description: body.description ?? '',
      });
      call.res.status(201).json(substrateJson(row));
    },
  },
  {
    ...SETUP,
    auth: 'token',
    method: 'get',
    path: '/api/v2/substrates/:id/',
    summary: 'A substrate',
    permission: 'workorder_view',
    responses: { 200: { description: 'The substrate.', schema: substrateSchema }, ...OBJECT_ERRORS },
    async handle(call) {
      call.res.json(substrateJson(await ownSubstrate(call)));
    },
  },
  {
    ...SETUP,
    auth: 'token',
    method: 'patch',
    path: '/api/v2/substrates/:id/',
    summary: 'Change a substrate',
    permission: 'printing_setup',
    body: substratePatch,
    responses: {
      200: { description: 'The substrate.', schema: substrateSchema },
      400: 'Bad field.',
      ...OBJECT_ERRORS,
      ...ARCHIVED_ERRORS,
    },
    async handle(call) {
      const row = await ownSubstrate(call);
      const body = parseBody(substratePatch, call.req.body);
      if (row.archived_at) throw invalidState('An archived substrate cannot be changed.');
      await assertNameFree(call, 'substrates', body.name, row.id);
      call.res.json(substrateJson(await call.deps.repos.printing.updateSubstrate(row.id, body)));
    },
  },
  {
    ...SETUP,
    auth: 'token',
    method: 'post',
    path: '/api/v2/substrates/:id/archive/',
    summary: 'Archive a substrate (out of the confirm list)',
    permission: 'printing_setup',
    responses: { 200: { description: 'The archived substrate.', schema: substrateSchema }, ...OBJECT_ERRORS },
    async handle(call) {
      const row = await ownSubstrate(call);
      call.res.json(substrateJson(await call.deps.repos.printing.archiveSubstrate(row.id)));
    },
  },
  {
    ...SETUP,
    auth: 'token',
    method: 'get',
    path: '/api/v2/calibrations/',
    summary: 'The partner’s calibrations',
    permission: 'workorder_view',
    query: calibrationsQuery,
    responses: {
      200: { description: 'A page of calibrations.', schema: calibrationPage },
      400: 'Bad query.',
      ...AUTH_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      const q = parseQuery(calibrationsQuery, req.query);
      const page = pageOf(q);
      const { rows, count } = await deps.repos.printing.listCalibrations(
        auth.company.id,
        { ordering: q.ordering ?? '-id', ...page },
        { equipment: q.equipment, substrate: q.substrate },
      );
      const items = rows.map((row) => calibrationJson(row, deps.config.publicUrl));
      res.json(paginated(req, deps.config.publicUrl, page, count, items));
    },
  },
  {
    ...SETUP,
    auth: 'token',
    method: 'post',
    path: '/api/v2/calibrations/',
    summary: 'Calibrate a substrate on a press: a chart to print and measure',
    permission: 'printing_setup',
    body: calibrationBody,
    responses: {
      201: { description: 'The calibration, `measuring`, with its chart’s URL.', schema: calibrationSchema },
      400: 'Unknown or archived press or substrate, a pair already calibrated, a past date.',
      ...AUTH_ERRORS,
    },
    async handle(call) {
      const { auth, deps } = call;
      const body = parseBody(calibrationBody, call.req.body);
      const equipment = await deps.repos.printing.equipmentOf(auth.company.id, body.equipment);
      const substrate = await deps.repos.printing.substrateOf(auth.company.id, body.substrate);
      const errors: Record<string, string[]> = {};
      if (!equipment) errors.equipment = [invalidPk(body.equipment)];
      else if (equipment.archived_at) errors.equipment = [`Equipment "${equipment.id}" is archived.`];
      if (!substrate) errors.substrate = [invalidPk(body.substrate)];
      else if (substrate.archived_at) errors.substrate = [`Substrate "${substrate.id}" is archived.`];
      if (!equipment || !substrate || Object.keys(errors).length > 0) throw fieldErrors(errors);
      const existing = await deps.repos.printing.calibrationFor(equipment.id, substrate.id);
      if (existing) {
        throw fieldError(
          'non_field_errors',
          `Substrate "${substrate.id}" already has calibration ${existing.id} on equipment "${equipment.id}"; submit new measurements to it.`,
        );
      }
      const row = await deps.repos.printing.requestCalibration({
        equipmentId: equipment.id,
        substrateId: substrate.id,
        validUntil: body.valid_until ?? null,
      });
      const listed = await deps.repos.printing.calibrationOf(auth.company.id, row.id);
      call.res.status(201).json(calibrationJson(listed!, deps.config.publicUrl));
    },
  },
  {
    ...SETUP,
    auth: 'token',
    method: 'get',
    path: '/api/v2/calibrations/:id/',
    summary: 'A calibration',
    permission: 'workorder_view',
    responses: { 200: { description: 'The calibration.', schema: calibrationSchema }, ...OBJECT_ERRORS },
    async handle(call) {
      call.res.json(calibrationJson(await ownCalibration(call), call.deps.config.publicUrl));
    },
  },
  {
    ...SETUP,
    auth: 'token',
    method: 'get',
    path: '/api/v2/calibrations/:id/chart/',
    summary: 'The calibration chart to print (PDF)',
    permission: 'workorder_view',
    produces: 'application/pdf',
    responses: { 200: 'The chart.', ...OBJECT_ERRORS },
    async handle(call) {
      const row = await ownCalibration(call);
      const pdf = await calibrationChartPdf({
        calibrationId: row.id,
        equipment: { name: row.equipment_name, dpi: row.equipment_dpi },
        substrate: { name: row.substrate_name },
      });
      call.res
        .status(200)
        .set({
          'Content-Type': 'application/pdf',
          'Content-Disposition': `attachment; filename="calibration-${row.id}-chart.pdf"`,
          'Cache-Control': 'private, no-store',
        })
        .end(Buffer.from(pdf));
    },
  },
  {
    ...SETUP,
    auth: 'token',
    method: 'post',
    path: '/api/v2/calibrations/:id/measurements/',
    summary: 'Submit the measured values: the calibration becomes active',
    permission: 'printing_setup',
    body: measurementsBody,
    responses: {
      200: {
        description: 'The calibration, `active` (approved again by an operator where templates ask for it).',
        schema: calibrationSchema,
      },
      400: 'A value missing or out of range.',
      ...OBJECT_ERRORS,
      ...ARCHIVED_ERRORS,
    },
    async handle(call) {
      const row = await ownCalibration(call);
      const body = parseBody(measurementsBody, call.req.body);
      const equipment = await call.deps.repos.printing.equipmentById(row.equipment_id);
      const substrate = await call.deps.repos.printing.substrateById(row.substrate_id);
      if (equipment?.archived_at || substrate?.archived_at) {
        throw invalidState('The press or the substrate of this calibration is archived.');
      }
      const { valid_until, ...values } = body;
      const parameters = Object.fromEntries(
        Object.entries(values).filter(([, v]) => v !== undefined),
      ) as Record<string, number>;
      await call.deps.repos.printing.recordMeasurements(row.id, parameters, valid_until);
      call.res.json(calibrationJson(await ownCalibration(call), call.deps.config.publicUrl));
    },
  },
];
