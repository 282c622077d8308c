/** The partner set-up calls (docs/partners.md, Presses, substrates and calibrations), on the portal's client. */
import { answer, client, saveBlob, type Schemas } from './api';

export type Press = Schemas['Equipment'];
export type PlainSubstrate = Schemas['Substrate'];
export type Calibration = Schemas['Calibration'];

export interface PressFields {
  name: string;
  dpi: string;
  model: string;
  notes: string;
}
export interface SubstrateFields {
  name: string;
  description: string;
}
export interface MeasurementFields {
  module_size_mm: string;
  cell_dots: string;
  dot_gain: string;
  ink_density?: string;
  /** `null`: no end date; left out: the end date stays as it is. */
  valid_until?: string | null;
}

const byId = (id: number) => ({ params: { path: { id } } });
const ALL = { limit: 1000, ordering: 'id' } as const;

export const setupApi = {
  presses: (archived: boolean) =>
    answer(client.GET('/api/v2/equipment/', { params: { query: { ...ALL, archived } } })),
  addPress: (body: PressFields) => answer(client.POST('/api/v2/equipment/', { body })),
  changePress: (id: number, body: Partial<PressFields>) =>
    answer(client.PATCH('/api/v2/equipment/{id}/', { ...byId(id), body })),
  archivePress: (id: number) => answer(client.POST('/api/v2/equipment/{id}/archive/', byId(id))),
  /** Without `equipment`: all the partner's substrates, calibrated or not. */
  substrates: async (archived: boolean): Promise<PlainSubstrate[]> =>
    (await answer(client.GET('/api/v2/substrates/', { params: { query: { ...ALL, archived } } }))).results,
  addSubstrate: (body: SubstrateFields) => answer(client.POST('/api/v2/substrates/', { body })),
  changeSubstrate: (id: number, body: Partial<SubstrateFields>) =>
    answer(client.PATCH('/api/v2/substrates/{id}/', { ...byId(id), body })),
  archiveSubstrate: (id: number) => answer(client.POST('/api/v2/substrates/{id}/archive/', byId(id))),
  calibrations: () => answer(client.GET('/api/v2/calibrations/', { params: { query: ALL } })),
  calibrate: (body: { equipment: number; substrate: number; valid_until?: string }) =>
    answer(client.POST('/api/v2/calibrations/', { body })),
  measure: (id: number, body: MeasurementFields) =>
    answer(client.POST('/api/v2/calibrations/{id}/measurements/', { ...byId(id), body })),
};

/** Downloads a calibration's chart (PDF; it needs the token, so it is fetched, then saved). */
export function downloadChart(id: number): Promise<string> {
  return saveBlob(
    client.GET('/api/v2/calibrations/{id}/chart/', { ...byId(id), parseAs: 'blob' }),
    `calibration-${id}-chart.pdf`,
  );
}
