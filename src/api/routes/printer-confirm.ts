import { Router } from 'express';
import { z } from 'zod';
import { calibrationParameters } from '../../store/printing';
import { printerConfirmUpdate } from '../../shared/messages';
import type { PrinterConfirmation } from '../../shared/workorder';
import { authorized } from '../auth';
import type { ApiDeps } from '../context';
import { fieldError, forbidden, invalidPk, invalidState, notFound } from '../errors';
import { id, parseBody, text } from '../validation';
import { renderWorkorder } from '../workorder-view';
import { methodNotAllowed, pathId, viewerOf } from './common';

export const printerConfirmBody = z.object({
  equipment: id(),
  substrate: id(),
  external_id: text({ max: 255, allowBlank: true }).nullable().optional(),
});

/**
 * The printing partner confirms the press and a substrate calibrated for it (CONTRACT §7). The API
 * resolves both, so the workflow's history holds the whole confirmation; the workflow's Update
 * validator decides on the state, and the answer comes only once the workflow accepted it.
 */
export function printerConfirmRoutes(deps: ApiDeps): Router {
  const router = Router();

  router
    .route('/workorders/:id/printer-confirm/')
    .patch(async (req, res) => {
      const auth = authorized(req, 'workorder_edit');
      const row = await deps.repos.workorders.byIdFor(viewerOf(auth), pathId(req));
      if (!row) throw notFound();
      if (auth.company.id !== row.printing_partner_id) {
        throw forbidden('Only the printing partner of the workorder can confirm its printer.');
      }
      // The type never changes: a SID workorder is refused before its body is looked at.
      if (row.type !== 'SSC') throw invalidState('Only SSC workorders are confirmed by a printer.');
      if (row.is_archived === 1) throw invalidState('The workorder is archived and cannot change any more.');
      if (row.workflow_started === 0)
        throw invalidState('The workorder is still being set up; try again shortly.');

      const body = parseBody(printerConfirmBody, req.body ?? {});
      const equipment = await deps.repos.printing.equipmentOf(row.printing_partner_id, body.equipment);
      if (!equipment) throw fieldError('equipment', invalidPk(body.equipment));
      const substrate = await deps.repos.printing.substrateById(body.substrate);
      if (!substrate || substrate.company_id !== row.printing_partner_id) {
        throw fieldError('substrate', invalidPk(body.substrate));
      }
      const calibration = await deps.repos.printing.calibrationFor(equipment.id, substrate.id);
      if (!calibration) {
        throw fieldError(
          'substrate',
          `Substrate "${substrate.id}" is not calibrated for equipment "${equipment.id}"; calibrate it first.`,
        );
      }

      const confirmation: PrinterConfirmation = {
        equipment: { id: equipment.id, name: equipment.name, dpi: equipment.dpi },
        substrate: { id: substrate.id, name: substrate.name },
        calibration: { id: calibration.id, parameters: calibrationParameters(calibration) },
        externalId: body.external_id ?? '',
      };
      const snapshot = await deps.gateway.update(row.workflow_id, printerConfirmUpdate, confirmation);
      res.json(await renderWorkorder(deps, row, snapshot));
    })
    .all(methodNotAllowed);

  return router;
}
