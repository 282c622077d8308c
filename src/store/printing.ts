import type { Kysely } from 'kysely';
import { nowIso, orderedPage, type PageRequest } from './database';
import type { CalibrationRow, Database, EquipmentRow, SubstrateRow } from './schema';

/** Today as an ISO date (YYYY-MM-DD, UTC): a calibration is usable through its `valid_until` day. */
export const today = (): string => new Date().toISOString().slice(0, 10);

/** A calibration with the names of its press and substrate, as a partner lists them. */
export interface CalibrationListRow extends CalibrationRow {
  equipment_name: string;
  equipment_dpi: number;
  substrate_name: string;
}

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
    async createEquipment(input: {
      companyId: number;
      name: string;
      dpi: number;
      model?: string;
      notes?: string;
    }): Promise<EquipmentRow> {
      return db
        .insertInto('equipment')
        .values({
          company_id: input.companyId,
          name: input.name,
          dpi: input.dpi,
          model: input.model ?? '',
          notes: input.notes ?? '',
          creation_date: nowIso(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** The company's press or substrate with this id; another company's is as good as absent. */
    equipmentOf: (companyId: number, id: number) => setup('equipment').of(companyId, id),
    substrateOf: (companyId: number, id: number) => setup('substrates').of(companyId, id),
    equipmentById: (id: number) => setup('equipment').byId(id),
    substrateById: (id: number) => setup('substrates').byId(id),
    /** Live presses or substrates, or all of them with `archived`. */
    listEquipment: (companyId: number, page: PageRequest, opts = { archived: false }) =>
      setup('equipment').list(companyId, page, opts),
    listSubstrates: (companyId: number, page: PageRequest, opts = { archived: false }) =>
      setup('substrates').list(companyId, page, opts),
    updateEquipment: (id: number, patch: { name?: string; dpi?: number; model?: string; notes?: string }) =>
      setup('equipment').update(id, patch),
    updateSubstrate: (id: number, patch: { name?: string; description?: string }) =>
      setup('substrates').update(id, patch),
    /** Archived, never deleted: workorders keep naming it. Archiving twice keeps the first date. */
    archiveEquipment: (id: number) => setup('equipment').archive(id),
    archiveSubstrate: (id: number) => setup('substrates').archive(id),

    /** Another live object of the company already has the name (archived ones give theirs up). */
    async nameTaken(
      table: 'equipment' | 'substrates',
      companyId: number,
      name: string,
      exceptId?: number,
    ): Promise<boolean> {
      let q = db
        .selectFrom(table)
        .select('id')
        .where('company_id', '=', companyId)
        .where('name', '=', name)
        .where('archived_at', 'is', null);
      if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
      return (await q.executeTakeFirst()) !== undefined;
    },

    /** A calibration asked for: a chart to print, no values yet. */
    async requestCalibration(input: {
      equipmentId: number;
      substrateId: number;
      validUntil: string | null;
    }): Promise<CalibrationRow> {
      return db
        .insertInto('calibrations')
        .values({
          equipment_id: input.equipmentId,
          substrate_id: input.substrateId,
          parameters: '{}',
          status: 'measuring',
          valid_until: input.validUntil,
          creation_date: nowIso(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** The partner's measured values: the calibration is active; an earlier approval no longer holds. */
    async recordMeasurements(
      id: number,
      parameters: CalibrationParameters,
      validUntil: string | null | undefined,
    ): Promise<CalibrationRow> {
      await db
        .updateTable('calibrations')
        .set({
          parameters: JSON.stringify(parameters),
          status: 'active',
          measured_at: nowIso(),
          approved_at: null,
          ...(validUntil !== undefined ? { valid_until: validUntil } : {}),
        })
        .where('id', '=', id)
        .execute();
      return db.selectFrom('calibrations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    },

    async approveCalibration(id: number): Promise<CalibrationRow | undefined> {
      await db
        .updateTable('calibrations')
        .set({ approved_at: nowIso() })
        .where('id', '=', id)
        .where('status', '=', 'active')
        .execute();
      return db.selectFrom('calibrations').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async calibrationById(id: number): Promise<CalibrationRow | undefined> {
      return db.selectFrom('calibrations').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** The company's calibration (through its press) with the names; another company's is absent. */
    async calibrationOf(companyId: number, id: number): Promise<CalibrationListRow | undefined> {
      return calibrationsOf(companyId).where('calibrations.id', '=', id).executeTakeFirst();
    },

    async listCalibrations(
      companyId: number,
      page: PageRequest,
      filter: { equipment?: number; substrate?: number },
    ): Promise<{ rows: CalibrationListRow[]; count: number }> {
      let q = calibrationsOf(companyId);
      if (filter.equipment !== undefined) q = q.where('calibrations.equipment_id', '=', filter.equipment);
      if (filter.substrate !== undefined) q = q.where('calibrations.substrate_id', '=', filter.substrate);
      const direction = page.ordering.startsWith('-') ? 'desc' : 'asc';
      const column = page.ordering.replace('-', '') as 'id' | 'creation_date';
      const [rows, total] = await Promise.all([
        q
          .orderBy(`calibrations.${column}`, direction)
          .orderBy('calibrations.id', direction)
          .limit(page.limit)
          .offset(page.offset)
          .execute(),
        q
          .clearSelect()
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow(),
      ]);
      return { rows, count: Number(total.n) };
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

    /**
     * Substrates the equipment may print on, each with its calibration: measured, not expired, not
     * archived, and approved by an operator when `approvedOnly` (a template asking for it).
     */
    async listCalibratedSubstrates(
      equipmentId: number,
      page: PageRequest,
      opts: { approvedOnly: boolean } = { approvedOnly: false },
    ): Promise<{ rows: CalibratedSubstrate[]; count: number }> {
      let q = db
        .selectFrom('calibrations')
        .innerJoin('substrates', 'substrates.id', 'calibrations.substrate_id')
        .where('calibrations.equipment_id', '=', equipmentId)
        .where('calibrations.status', '=', 'active')
        .where('substrates.archived_at', 'is', null)
        .where((eb) =>
          eb.or([eb('calibrations.valid_until', 'is', null), eb('calibrations.valid_until', '>=', today())]),
        );
      if (opts.approvedOnly) q = q.where('calibrations.approved_at', 'is not', null);
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

  /** What presses and substrates share: company-scoped reads, lists, changes and archiving. */
  function setup<T extends 'equipment' | 'substrates'>(table: T) {
    type Row = T extends 'equipment' ? EquipmentRow : SubstrateRow;
    // Kysely cannot narrow a query over a generic table name; the rows are the table's.
    const rows = db as unknown as Kysely<Record<'equipment', EquipmentRow>>;
    const name = table as 'equipment';
    const byId = async (id: number) =>
      (await rows.selectFrom(name).selectAll().where('id', '=', id).executeTakeFirst()) as Row | undefined;
    return {
      byId,
      async of(companyId: number, id: number): Promise<Row | undefined> {
        const row = await byId(id);
        return row && row.company_id === companyId ? row : undefined;
      },
      async list(companyId: number, page: PageRequest, opts: { archived: boolean }) {
        let q = db.selectFrom(table as 'equipment').where('company_id', '=', companyId);
        if (!opts.archived) q = q.where('archived_at', 'is', null);
        return (await orderedPage(q, page)) as { rows: Row[]; count: number };
      },
      async update(id: number, patch: Partial<Row>): Promise<Row> {
        if (Object.keys(patch).length > 0) {
          await rows
            .updateTable(name)
            .set(patch as Partial<EquipmentRow>)
            .where('id', '=', id)
            .execute();
        }
        return (await byId(id)) as Row;
      },
      async archive(id: number): Promise<Row> {
        await rows
          .updateTable(name)
          .set({ archived_at: nowIso() })
          .where('id', '=', id)
          .where('archived_at', 'is', null)
          .execute();
        return (await byId(id)) as Row;
      },
    };
  }

  function calibrationsOf(companyId: number) {
    return db
      .selectFrom('calibrations')
      .innerJoin('equipment', 'equipment.id', 'calibrations.equipment_id')
      .innerJoin('substrates', 'substrates.id', 'calibrations.substrate_id')
      .where('equipment.company_id', '=', companyId)
      .selectAll('calibrations')
      .select([
        'equipment.name as equipment_name',
        'equipment.dpi as equipment_dpi',
        'substrates.name as substrate_name',
      ]);
  }
}
export type PrintingRepository = ReturnType<typeof printingRepository>;

export function calibrationParameters(row: { parameters: string }): CalibrationParameters {
  return JSON.parse(row.parameters) as CalibrationParameters;
}
