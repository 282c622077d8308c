import { z } from 'zod';
import { calibrationParameters, type CalibratedSubstrate } from '../../store/printing';
import type { EquipmentRow } from '../../store/schema';
import { fieldError, invalidPk } from '../errors';
import { orderingQuery, pageOf, paginated, paginationQuery } from '../pagination';
import { AUTH_ERRORS, type RouteSpec } from '../route';
import { idField, named, pageSchema, timestampField } from '../schemas';
import { id, parseQuery } from '../validation';

const equipmentQuery = z.object({ ...paginationQuery, ordering: orderingQuery });
const substratesQuery = z.object({ ...paginationQuery, ordering: orderingQuery, equipment: id() });

const equipmentSchema = named(
  'Equipment',
  z.object({ id: idField(), name: z.string(), dpi: z.number(), creation_date: timestampField() }),
);
const calibratedSubstrateSchema = named(
  'CalibratedSubstrate',
  z.object({
    id: idField(),
    name: z.string(),
    description: z.string(),
    creation_date: timestampField(),
    calibration: z.object({
      id: idField(),
      parameters: z.record(z.string(), z.union([z.number(), z.string()])),
    }),
  }),
);
const equipmentPage = pageSchema('EquipmentPage', equipmentSchema);
const substratePage = pageSchema('CalibratedSubstratePage', calibratedSubstrateSchema);

function equipmentJson(e: EquipmentRow): z.infer<typeof equipmentSchema> {
  return { id: e.id, name: e.name, dpi: e.dpi, creation_date: e.creation_date };
}

function calibratedSubstrateJson(s: CalibratedSubstrate): z.infer<typeof calibratedSubstrateSchema> {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    creation_date: s.creation_date,
    calibration: {
      id: s.calibration_id,
      parameters: calibrationParameters({ parameters: s.calibration_parameters }),
    },
  };
}

/** A printing partner's equipment, and the substrates calibrated for one of them (docs/product.md, Endpoints). */
export const printingRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/api/v2/equipment/',
    summary: 'The partner’s printing equipment',
    tag: 'Printing',
    auth: 'token',
    permission: 'workorder_view',
    query: equipmentQuery,
    responses: {
      200: { description: 'A page of equipment.', schema: equipmentPage },
      400: 'Bad query.',
      ...AUTH_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      const q = parseQuery(equipmentQuery, req.query);
      const page = pageOf(q);
      const { rows, count } = await deps.repos.printing.listEquipment(auth.company.id, {
        ordering: q.ordering ?? '-id',
        ...page,
      });
      res.json(paginated(req, deps.config.publicUrl, page, count, rows.map(equipmentJson)));
    },
  },
  {
    method: 'get',
    path: '/api/v2/substrates/',
    summary: 'Substrates calibrated for an equipment',
    tag: 'Printing',
    auth: 'token',
    permission: 'workorder_view',
    query: substratesQuery,
    responses: {
      200: { description: 'A page of substrates.', schema: substratePage },
      400: 'Missing or unknown equipment.',
      ...AUTH_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      const q = parseQuery(substratesQuery, req.query);
      // Another company's equipment is answered like a missing one: the same 400, nothing revealed.
      const equipment = await deps.repos.printing.equipmentOf(auth.company.id, q.equipment);
      if (!equipment) throw fieldError('equipment', invalidPk(q.equipment));
      const page = pageOf(q);
      const { rows, count } = await deps.repos.printing.listCalibratedSubstrates(equipment.id, {
        ordering: q.ordering ?? '-id',
        ...page,
      });
      res.json(paginated(req, deps.config.publicUrl, page, count, rows.map(calibratedSubstrateJson)));
    },
  },
];
