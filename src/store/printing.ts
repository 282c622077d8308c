import type { Kysely } from 'kysely';
import { nowIso, orderedPage, type PageRequest } from './database';
import type { CalibrationRow, Database, EquipmentRow, SubstrateRow } from './schema';

/** A calibration's printing parameters: named numbers (and the odd label) the renderer reads. */
export type CalibrationParameters = Record<string, number | string>;

/** A substrate as listed for one equipment: with the calibration that clears the pair. */
export interface CalibratedSubstrate extends SubstrateRow {
  calibration_id: number;
  calibration_parameters: string;
}

/** Equipment, substrates and calibrations: a printing partner's reference data. */
export function printingRepository(db: Kysely<Database>) {
  return {
    async createEquipment(input: { companyId: number; name: string; dpi: number }): Promise<EquipmentRow> {
      return db
        .insertInto('equipment')
        .values({ company_id: input.companyId, name: input.name, dpi: input.dpi, creation_date: nowIso() })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async createSubstrate(input: {
      companyId: number;
      name: string;
      description: string;
    }): Promise<SubstrateRow> {
      return db
        .insertInto('substrates')
        .values({
          company_id: input.companyId,
          name: input.name,
          description: input.description,
          creation_date: nowIso(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async createCalibration(input: {
      equipmentId: number;
      substrateId: number;
      parameters: CalibrationParameters;
    }): Promise<CalibrationRow> {
      return db
        .insertInto('calibrations')
        .values({
          equipment_id: input.equipmentId,
          substrate_id: input.substrateId,
          parameters: JSON.stringify(input.parameters),
          creation_date: nowIso(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async equipmentById(id: number): Promise<EquipmentRow | undefined> {
      return db.selectFrom('equipment').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async substrateById(id: number): Promise<SubstrateRow | undefined> {
      return db.selectFrom('substrates').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** The company's equipment with this id; another company's is as good as absent. */
    async equipmentOf(companyId: number, id: number): Promise<EquipmentRow | undefined> {
      return db
        .selectFrom('equipment')
        .selectAll()
        .where('id', '=', id)
        .where('company_id', '=', companyId)
        .executeTakeFirst();
    },

    async listEquipment(
      companyId: number,
      page: PageRequest,
    ): Promise<{ rows: EquipmentRow[]; count: number }> {
      return orderedPage(db.selectFrom('equipment').where('company_id', '=', companyId), page);
    },

    /** Substrates calibrated for the equipment, each with its calibration. */
    async listCalibratedSubstrates(
      equipmentId: number,
      page: PageRequest,
    ): Promise<{ rows: CalibratedSubstrate[]; count: number }> {
      const q = db
        .selectFrom('calibrations')
        .innerJoin('substrates', 'substrates.id', 'calibrations.substrate_id')
        .where('calibrations.equipment_id', '=', equipmentId);
      // orderedPage cannot order a join: the columns here are the substrate's.
      const column = page.ordering.replace('-', '') as 'id' | 'creation_date';
      const direction = page.ordering.startsWith('-') ? 'desc' : 'asc';
      const [rows, total] = await Promise.all([
        q
          .selectAll('substrates')
          .select(['calibrations.id as calibration_id', 'calibrations.parameters as calibration_parameters'])
          .orderBy(`substrates.${column}`, direction)
          .orderBy('substrates.id', direction)
          .limit(page.limit)
          .offset(page.offset)
          .execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { rows, count: Number(total.n) };
    },

    async calibrationFor(equipmentId: number, substrateId: number): Promise<CalibrationRow | undefined> {
      return db
        .selectFrom('calibrations')
        .selectAll()
        .where('equipment_id', '=', equipmentId)
        .where('substrate_id', '=', substrateId)
        .executeTakeFirst();
    },
  };
}
export type PrintingRepository = ReturnType<typeof printingRepository>;

export function calibrationParameters(row: { parameters: string }): CalibrationParameters {
  return JSON.parse(row.parameters) as CalibrationParameters;
}
