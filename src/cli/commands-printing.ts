import { parseArgs } from 'node:util';
import type { Repositories } from '../store';
import type { CalibrationParameters } from '../store/printing';

/** Operator commands for a printing partner's equipment, substrates and calibrations. */
export const PRINTING_NOUNS = ['equipment', 'substrate', 'calibration'] as const;

export const PRINTING_USAGE = `  equipment create --company ID --name NAME --dpi N
  substrate create --company ID --name NAME [--description TEXT]
  calibration create --equipment ID --substrate ID [--module-size-mm X] [--cell-dots N]
                     [--dot-gain PERCENT] [--ink-density X]
  calibration approve ID      (a measured calibration, for templates made with --calibration-approval)`;

/**
 * Calibration parameters the renderer reads: the printed QR module size (mm), the printer dots per
 * secure-graphic cell, the measured dot gain (%, lowers the pattern's ink share) and the ink
 * density (recorded for QA). Each with its accepted range and default.
 */
const CALIBRATION_PARAMETERS = {
  'module-size-mm': { key: 'module_size_mm', min: 0.1, max: 5, integer: false, fallback: 0.5 },
  'cell-dots': { key: 'cell_dots', min: 1, max: 16, integer: true, fallback: 2 },
  'dot-gain': { key: 'dot_gain', min: 0, max: 60, integer: false, fallback: 10 },
  'ink-density': { key: 'ink_density', min: 0.1, max: 5, integer: false, fallback: undefined },
} as const;

/** What a calibration records for each parameter the operator leaves out. */
export const CALIBRATION_DEFAULTS: CalibrationParameters = Object.fromEntries(
  Object.values(CALIBRATION_PARAMETERS).flatMap((spec) =>
    spec.fallback === undefined ? [] : [[spec.key, spec.fallback]],
  ),
);

type Usage = (message: string) => Error;

export async function runPrintingCommand(
  argv: string[],
  repos: Repositories,
  usage: Usage,
): Promise<unknown> {
  const [noun, verb, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    strict: true,
    allowPositionals: true,
    options: {
      company: { type: 'string' },
      name: { type: 'string' },
      description: { type: 'string' },
      dpi: { type: 'string' },
      equipment: { type: 'string' },
      substrate: { type: 'string' },
      'module-size-mm': { type: 'string' },
      'cell-dots': { type: 'string' },
      'dot-gain': { type: 'string' },
      'ink-density': { type: 'string' },
    },
  });
  const required = (name: keyof typeof values): string => {
    const v = values[name];
    if (typeof v !== 'string' || v.trim() === '') throw usage(`--${name} is required`);
    return v.trim();
  };
  const positiveInt = (name: keyof typeof values, max = Number.MAX_SAFE_INTEGER): number => {
    const v = required(name);
    if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) {
      throw usage(
        `--${name} must be a positive integer${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}`,
      );
    }
    return Number(v);
  };
  const partner = async (companyId: number) => {
    const company = await repos.companies.byId(companyId);
    if (!company) throw usage(`--company: no company ${companyId}`);
    if (company.company_type !== 'printing_partner')
      throw usage(`--company: company ${companyId} is not a printing_partner`);
    return company;
  };

  switch (`${noun} ${verb}`) {
    case 'equipment create': {
      const company = await partner(positiveInt('company'));
      const dpi = positiveInt('dpi', 9600);
      return repos.printing.createEquipment({ companyId: company.id, name: required('name'), dpi });
    }
    case 'substrate create': {
      const company = await partner(positiveInt('company'));
      return repos.printing.createSubstrate({
        companyId: company.id,
        name: required('name'),
        description: values.description?.trim() ?? '',
      });
    }
    case 'calibration create': {
      const equipmentId = positiveInt('equipment');
      const substrateId = positiveInt('substrate');
      const equipment = await repos.printing.equipmentById(equipmentId);
      if (!equipment) throw usage(`--equipment: no equipment ${equipmentId}`);
      const substrate = await repos.printing.substrateById(substrateId);
      if (!substrate) throw usage(`--substrate: no substrate ${substrateId}`);
      if (substrate.company_id !== equipment.company_id) {
        throw usage(
          `--substrate: substrate ${substrateId} belongs to another printing partner than equipment ${equipmentId}`,
        );
      }
      if (await repos.printing.calibrationFor(equipmentId, substrateId)) {
        throw usage(`equipment ${equipmentId} and substrate ${substrateId} are already calibrated`);
      }
      const parameters: CalibrationParameters = { ...CALIBRATION_DEFAULTS };
      for (const [flag, spec] of Object.entries(CALIBRATION_PARAMETERS)) {
        const raw = values[flag as keyof typeof values];
        if (raw === undefined) continue;
        const value = Number(raw);
        const shape = spec.integer ? /^\d+$/ : /^\d+(\.\d+)?$/;
        if (typeof raw !== 'string' || !shape.test(raw.trim()) || value < spec.min || value > spec.max) {
          throw usage(
            `--${flag} must be ${spec.integer ? 'an integer' : 'a number'} from ${spec.min} to ${spec.max}`,
          );
        }
        parameters[spec.key] = value;
      }
      const row = await repos.printing.createCalibration({ equipmentId, substrateId, parameters });
      return { ...row, parameters };
    }
    case 'calibration approve': {
      const [raw] = positionals;
      if (raw === undefined || !/^\d+$/.test(raw) || Number(raw) < 1)
        throw usage('calibration approve takes a calibration id');
      const calibration = await repos.printing.calibrationById(Number(raw));
      if (!calibration) throw usage(`no calibration ${raw}`);
      if (calibration.status !== 'active') {
        throw usage(`calibration ${raw} has no measurements yet: the partner submits them first`);
      }
      const approved = await repos.printing.approveCalibration(calibration.id);
      return (
        approved && { ...approved, parameters: JSON.parse(approved.parameters) as CalibrationParameters }
      );
    }
    default:
      throw usage(`unknown command "${[noun, verb].filter(Boolean).join(' ')}"`);
  }
}
