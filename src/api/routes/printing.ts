import { z } from 'zod';
import { calibrationParameters, type CalibratedSubstrate } from '../../store/printing';
import { fieldError, invalidPk } from '../errors';
import { orderingQuery, pageOf, paginated, paginationQuery } from '../pagination';
import { AUTH_ERRORS, type RouteSpec } from '../route';
import { idField, named, pageSchema } from '../schemas';
import { boolean, id, parseQuery } from '../validation';
import { equipmentJson, equipmentSchema, substrateJson, substrateSchema } from './partner-setup';

const equipmentQuery = z.object({
  ...paginationQuery,
  ordering: orderingQuery,
  archived: boolean().optional(),
});
const substratesQuery = z.object({
  ...paginationQuery,
  ordering: orderingQuery,
  equipment: id().optional(),
  archived: boolean().optional(),
});

const calibratedSubstrateSchema = named(
  'CalibratedSubstrate',
  z.object({
    ...substrateSchema.shape,
    calibration: z.object({
      id: idField(),
      parameters: z.record(z.string(), z.union([z.number(), z.string()])),
    }),
  }),
);
const equipmentPage = pageSchema('EquipmentPage', equipmentSchema);
/** With `equipment`, the substrates calibrated for it (each with its calibration); without, all of them. */
const substratePage = pageSchema('SubstratePage', z.union([calibratedSubstrateSchema, substrateSchema]));

function calibratedSubstrateJson(s: CalibratedSubstrate): z.infer<typeof calibratedSubstrateSchema> {
  return {
    ...substrateJson(s),
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
      const { rows, count } = await deps.repos.printing.listEquipment(
        auth.company.id,
        { ordering: q.ordering ?? '-id', ...page },
        { archived: q.archived ?? false },
      );
      res.json(paginated(req, deps.config.publicUrl, page, count, rows.map(equipmentJson)));
    },
  },
  {
    method: 'get',
    path: '/api/v2/substrates/',
    summary:
      'Substrates: with `equipment`, those calibrated for it (the confirm list); without, all of the partner’s',
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
      if (q.equipment === undefined) {
        const page = pageOf(q);
        const { rows, count } = await deps.repos.printing.listSubstrates(
          auth.company.id,
          { ordering: q.ordering ?? '-id', ...page },
          { archived: q.archived ?? false },
        );
        res.json(paginated(req, deps.config.publicUrl, page, count, rows.map(substrateJson)));
        return;
      }
      // Another company's equipment is answered like a missing one: the same 400, nothing revealed.
      const equipment = await deps.repos.printing.equipmentOf(auth.company.id, q.equipment);
      if (!equipment) throw fieldError('equipment', invalidPk(q.equipment));
      if (equipment.archived_at) throw fieldError('equipment', `Equipment "${equipment.id}" is archived.`);
      const page = pageOf(q);
      const { rows, count } = await deps.repos.printing.listCalibratedSubstrates(equipment.id, {
        ordering: q.ordering ?? '-id',
        ...page,
      });
      res.json(paginated(req, deps.config.publicUrl, page, count, rows.map(calibratedSubstrateJson)));
    },
  },
];
