import { Router } from 'express';
import { z } from 'zod';
import { calibrationParameters, type CalibratedSubstrate } from '../../store/printing';
import type { EquipmentRow } from '../../store/schema';
import { authorized } from '../auth';
import type { ApiDeps } from '../context';
import { fieldError, invalidPk } from '../errors';
import { orderingQuery, pageOf, paginated, paginationQuery } from '../pagination';
import { id, parseQuery } from '../validation';
import { methodNotAllowed } from './common';

export const equipmentQuery = z.object({ ...paginationQuery, ordering: orderingQuery });
export const substratesQuery = z.object({ ...paginationQuery, ordering: orderingQuery, equipment: id() });

export function equipmentJson(e: EquipmentRow) {
  return { id: e.id, name: e.name, dpi: e.dpi, creation_date: e.creation_date };
}

function calibratedSubstrateJson(s: CalibratedSubstrate) {
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

/** A printing partner's equipment, and the substrates calibrated for one of them (CONTRACT §4). */
export function printingRoutes(deps: ApiDeps): Router {
  const router = Router();

  router
    .route('/equipment/')
    .get(async (req, res) => {
      const auth = authorized(req, 'workorder_view');
      const q = parseQuery(equipmentQuery, req.query);
      const page = pageOf(q);
      const { rows, count } = await deps.repos.printing.listEquipment(auth.company.id, {
        ordering: q.ordering ?? '-id',
        ...page,
      });
      res.json(paginated(req, deps.config.publicUrl, page, count, rows.map(equipmentJson)));
    })
    .all(methodNotAllowed);

  router
    .route('/substrates/')
    .get(async (req, res) => {
      const auth = authorized(req, 'workorder_view');
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
    })
    .all(methodNotAllowed);

  return router;
}
