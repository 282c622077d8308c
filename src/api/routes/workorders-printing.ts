import { z } from 'zod';
import { calibrationParameters } from '../../store/printing';
import type { CalibrationRow } from '../../store/schema';
import { calibrationState } from './partner-setup';
import { markPrintedUpdate, printerConfirmUpdate } from '../../shared/messages';
import type { PrinterConfirmation } from '../../shared/workorder';
import { fieldError, forbidden, invalidPk, invalidState } from '../errors';
import { CHANGE_ERRORS, type RouteSpec } from '../route';
import { workorderSchema } from '../schemas';
import { id, parseBody, text } from '../validation';
import { renderWorkorder } from '../workorder-view';
import { assertChangeable, visibleWorkorder } from './workorder-access';

const printerConfirmBody = z.object({
  equipment: id(),
  substrate: id(),
  external_id: text({ max: 255, allowBlank: true }).nullable().optional(),
});

/**
 * Why a calibration cannot clear a press and substrate for this workorder, or null when it can: one
 * exists, is measured, has not expired, and is approved by an operator when the template asks for it.
 */
function calibrationRefusal(
  calibration: CalibrationRow | undefined,
  equipmentId: number,
  substrateId: number,
  approvalRequired: boolean,
): string | null {
  const pair = `Substrate "${substrateId}" on equipment "${equipmentId}"`;
  if (!calibration)
    return `Substrate "${substrateId}" is not calibrated for equipment "${equipmentId}"; calibrate it first.`;
  const state = calibrationState(calibration);
  if (state === 'measuring') return `${pair} is being calibrated: submit the chart's measurements first.`;
  if (state === 'expired')
    return `${pair}: the calibration expired after ${calibration.valid_until}; calibrate again.`;
  if (approvalRequired && calibration.approved_at === null) {
    return `${pair}: this workorder's template needs a calibration approved by an operator; it awaits approval.`;
  }
  return null;
}

/**
 * The printing partner's steps of an SSC workorder (docs/product.md, Lifecycle). Only the
 * workorder's own partner may take them: that rule is about one workorder, so it comes after its 404.
 */
export const workorderPrintingRoutes: RouteSpec[] = [
  {
    method: 'patch',
    path: '/api/v2/workorders/:id/printer-confirm/',
    summary: 'Confirm the printer and a calibrated substrate (SSC, partner)',
    tag: 'Printing',
    auth: 'token',
    permission: 'workorder_edit',
    body: printerConfirmBody,
    responses: {
      200: { description: 'Accepted; generation starts.', schema: workorderSchema },
      400: 'Unknown equipment or uncalibrated substrate.',
      ...CHANGE_ERRORS,
    },
    /**
     * The API resolves the press and substrate, so the workflow's history holds the whole
     * confirmation; the workflow's Update validator decides on the state, and the answer comes
     * only once the workflow accepted it.
     */
    async handle({ req, res, auth, deps }) {
      const row = await visibleWorkorder(deps, auth, req);
      if (auth.company.id !== row.printing_partner_id) {
        throw forbidden('Only the printing partner of the workorder can confirm its printer.');
      }
      // The type never changes: a SID workorder is refused before its body is looked at.
      if (row.type !== 'SSC') throw invalidState('Only SSC workorders are confirmed by a printer.');
      assertChangeable(row);

      const body = parseBody(printerConfirmBody, req.body ?? {});
      const equipment = await deps.repos.printing.equipmentOf(row.printing_partner_id, body.equipment);
      if (!equipment) throw fieldError('equipment', invalidPk(body.equipment));
      if (equipment.archived_at) throw fieldError('equipment', `Equipment "${equipment.id}" is archived.`);
      const substrate = await deps.repos.printing.substrateById(body.substrate);
      if (!substrate || substrate.company_id !== row.printing_partner_id) {
        throw fieldError('substrate', invalidPk(body.substrate));
      }
      if (substrate.archived_at) throw fieldError('substrate', `Substrate "${substrate.id}" is archived.`);
      const calibration = await deps.repos.printing.calibrationFor(equipment.id, substrate.id);
      const template = row.template_id
        ? await deps.repos.templates.byIdForCompany(row.template_id, row.company_id)
        : undefined;
      const refusal = calibrationRefusal(
        calibration,
        equipment.id,
        substrate.id,
        template?.calibration_approval === 1,
      );
      if (!calibration || refusal) throw fieldError('substrate', refusal ?? 'Not calibrated.');

      const confirmation: PrinterConfirmation = {
        equipment: { id: equipment.id, name: equipment.name, dpi: equipment.dpi },
        substrate: { id: substrate.id, name: substrate.name },
        calibration: { id: calibration.id, parameters: calibrationParameters(calibration) },
        externalId: body.external_id ?? '',
      };
      const snapshot = await deps.gateway.update(row.workflow_id, printerConfirmUpdate, confirmation);
      res.json(await renderWorkorder(deps, auth, row, snapshot));
    },
  },
  {
    method: 'post',
    path: '/api/v2/workorders/:id/printed/',
    summary: 'Mark printed (SSC, partner)',
    tag: 'Printing',
    auth: 'token',
    permission: 'workorder_edit',
    responses: { 200: { description: 'Printed.', schema: workorderSchema }, ...CHANGE_ERRORS },
    async handle({ req, res, auth, deps }) {
      const row = await visibleWorkorder(deps, auth, req);
      assertChangeable(row);
      if (auth.company.id !== row.printing_partner_id) {
        throw forbidden('Only the printing partner can mark a workorder printed.');
      }
      const snapshot = await deps.gateway.update(row.workflow_id, markPrintedUpdate);
      res.json(await renderWorkorder(deps, auth, row, snapshot));
    },
  },
];
