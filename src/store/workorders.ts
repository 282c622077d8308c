import { sql, type Kysely } from 'kysely';
import {
  batchCount,
  Codegen,
  SECURE_GRAPHIC_VERSION,
  workflowIdFor,
  type CodegenStatus,
  type WorkorderSnapshot,
  type WorkorderState,
} from '../shared/workorder';
import { containsAny, nowIso, orderedPage, type PageRequest } from './database';
import type { Database, WorkorderRow, WorkorderTable } from './schema';

export interface NewWorkorder {
  companyId: number;
  printingPartnerId: number | null;
  templateId: number | null;
  type: WorkorderTable['type'];
  reference: string;
  remarks: string;
  quantity: number;
  dueDate: string | null;
  totalImpressions: number | null;
  codeLayout: WorkorderTable['code_layout'];
  useSerialNumber: boolean;
  activateOnComplete: boolean;
  isStaticPrint: boolean;
  isHybrid: boolean;
  urlPrefix: string;
  productId: number | null;
  brandId: number | null;
  keyId: string;
}

/** Who is asking: brand owners see their own workorders, partners those addressed to them. */
export interface Viewer {
  companyId: number;
  companyType: 'brand_owner' | 'printing_partner';
}

export interface ListFilter extends PageRequest {
  isArchived: boolean;
  search?: string;
  state?: WorkorderState;
}

/** Takes `count` numbers from a named counter; returns the first. Runs inside the caller's transaction. */
async function allocate(trx: Kysely<Database>, name: string, count: number): Promise<number> {
  await sql`insert into counters (name, value) values (${name}, 0) on conflict (name) do nothing`.execute(
    trx,
  );
  const row = await trx
    .updateTable('counters')
    .set({ value: sql`value + ${count}` })
    .where('name', '=', name)
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value) - count;
}

export function workorderRepository(db: Kysely<Database>) {
  const visible = (viewer: Viewer) =>
    db
      .selectFrom('workorders')
      .where(
        viewer.companyType === 'brand_owner' ? 'company_id' : 'printing_partner_id',
        '=',
        viewer.companyId,
      );

  return {
    /**
     * Inserts the row with disjoint code-index and serial ranges, in one transaction, before the
     * workflow exists; `workflow_started` stays 0 until the start is confirmed.
     */
    async create(w: NewWorkorder): Promise<WorkorderRow> {
      return db.transaction().execute(async (trx) => {
        const codeIndexStart = await allocate(trx, 'code_index', w.quantity);
        const serialStart = w.useSerialNumber
          ? (await allocate(trx, `serial:${w.companyId}`, w.quantity)) + 1
          : null;
        const now = nowIso();
        const inserted = await trx
          .insertInto('workorders')
          .values({
            company_id: w.companyId,
            printing_partner_id: w.printingPartnerId,
            template_id: w.templateId,
            type: w.type,
            reference: w.reference,
            remarks: w.remarks,
            quantity: w.quantity,
            due_date: w.dueDate,
            total_impressions: w.totalImpressions,
            code_layout: w.codeLayout,
            use_serial_number: w.useSerialNumber ? 1 : 0,
            activate_on_complete: w.activateOnComplete ? 1 : 0,
            is_static_print: w.isStaticPrint ? 1 : 0,
            is_hybrid: w.isHybrid ? 1 : 0,
            url_prefix: w.urlPrefix,
            product_id: w.productId,
            brand_id: w.brandId,
            code_index_start: codeIndexStart,
            serial_start: serialStart,
            key_id: w.keyId,
            workflow_id: '',
            workflow_started: 0,
            state: 'new',
            codegen_status: Codegen.waiting,
            is_archived: 0,
            progress_codes: 0,
            progress_batches_completed: 0,
            progress_batches_total: batchCount(w.quantity),
            cancel_reason: null,
            failure: null,
            external_id: '',
            equipment_id: null,
            substrate_id: null,
            printer_json: null,
            zip_key: null,
            zip_sha256: null,
            secure_graphic_version: SECURE_GRAPHIC_VERSION,
            zip_size: null,
            date_codes_completed: null,
            printed_date: null,
            completed_date: null,
            canceled_date: null,
            snapshot_revision: 0,
            creation_date: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        return trx
          .updateTable('workorders')
          .set({ workflow_id: workflowIdFor(inserted.id) })
          .where('id', '=', inserted.id)
          .returningAll()
          .executeTakeFirstOrThrow();
      });
    },

    async byId(id: number): Promise<WorkorderRow | undefined> {
      return db.selectFrom('workorders').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async byIdFor(viewer: Viewer, id: number): Promise<WorkorderRow | undefined> {
      return visible(viewer).selectAll().where('id', '=', id).executeTakeFirst();
    },

    async list(viewer: Viewer, f: ListFilter): Promise<{ rows: WorkorderRow[]; count: number }> {
      let q = visible(viewer).where('is_archived', '=', f.isArchived ? 1 : 0);
      if (f.state) q = q.where('state', '=', f.state);
      if (f.search) q = q.where(containsAny(['reference', 'remarks'], f.search));
      return orderedPage(q, f);
    },

    async referenceTaken(companyId: number, reference: string): Promise<boolean> {
      const row = await db
        .selectFrom('workorders')
        .select('id')
        .where('company_id', '=', companyId)
        .where('reference', '=', reference)
        .executeTakeFirst();
      return row !== undefined;
    },

    async markWorkflowStarted(id: number): Promise<void> {
      await db.updateTable('workorders').set({ workflow_started: 1 }).where('id', '=', id).execute();
    },

    /** Removes a row whose workflow could not be started, so nothing half-made remains. */
    async deleteUnstarted(id: number): Promise<void> {
      await db.deleteFrom('workorders').where('id', '=', id).where('workflow_started', '=', 0).execute();
    },

    async listUnstarted(createdBefore: string): Promise<WorkorderRow[]> {
      return db
        .selectFrom('workorders')
        .selectAll()
        .where('workflow_started', '=', 0)
        .where('creation_date', '<', createdBefore)
        .orderBy('id')
        .execute();
    },

    /**
     * The workorder that owns a global code index (the inverse of the extended-ID permutation): the
     * one with the greatest start at or below it, if its range reaches that far (one index seek;
     * code index ranges never overlap).
     */
    async byCodeIndex(index: number): Promise<WorkorderRow | undefined> {
      const row = await db
        .selectFrom('workorders')
        .selectAll()
        .where('code_index_start', '<=', index)
        .orderBy('code_index_start', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && index < Number(row.code_index_start) + row.quantity ? row : undefined;
    },

    /** Archived workorders whose zip is kept since before `cutoff` (ISO time), oldest first. */
    async zipsPastRetention(cutoff: string, limit: number): Promise<number[]> {
      const rows = await db
        .selectFrom('workorders')
        .select('id')
        .where('is_archived', '=', 1)
        .where('archived_date', '<', cutoff)
        .where('zip_key', 'is not', null)
        .where('zip_removed_at', 'is', null)
        .where((eb) => eb.or([eb('zip_rebuilt_at', 'is', null), eb('zip_rebuilt_at', '<', cutoff)]))
        .orderBy('archived_date')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },
    /** Marks the zip removed unless it was rebuilt since `cutoff`; false when another sweep did. */
    async markZipRemoved(id: number, cutoff: string): Promise<boolean> {
      const result = await db
        .updateTable('workorders')
        .set({ zip_removed_at: nowIso() })
        .where('id', '=', id)
        .where('zip_removed_at', 'is', null)
        .where((eb) => eb.or([eb('zip_rebuilt_at', 'is', null), eb('zip_rebuilt_at', '<', cutoff)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    /** A rebuilt zip is served again, and kept another ARTIFACT_RETENTION from now. */
    async markZipRebuilt(id: number): Promise<void> {
      await db
        .updateTable('workorders')
        .set({ zip_removed_at: null, zip_rebuilt_at: nowIso() })
        .where('id', '=', id)
        .execute();
    },
    /**
     * Mirrors the workflow's snapshot; an older revision never overwrites a newer one. With
     * `replacing`, only over that revision (a compare-and-set: the caller knows what it replaced).
     */
    async recordSnapshot(s: WorkorderSnapshot, replacing?: number): Promise<boolean> {
      const result = await db
        .updateTable('workorders')
        .set({
          state: s.state,
          codegen_status: s.codegenStatus satisfies CodegenStatus,
          is_archived: s.isArchived ? 1 : 0,
          archived_date: s.isArchived ? sql<string>`coalesce(archived_date, ${nowIso()})` : null,
          progress_codes: s.progress.codesGenerated,
          progress_batches_completed: s.progress.batchesCompleted,
          progress_batches_total: s.progress.batchesTotal,
          cancel_reason: s.cancelReason,
          failure: s.failure,
          external_id: s.printer?.externalId ?? '',
          equipment_id: s.printer?.equipment.id ?? null,
          substrate_id: s.printer?.substrate.id ?? null,
          printer_json: s.printer ? JSON.stringify(s.printer) : null,
          zip_key: s.zip?.key ?? null,
          zip_sha256: s.zip?.sha256 ?? null,
          zip_size: s.zip?.size ?? null,
          date_codes_completed: s.dateCodesCompleted,
          printed_date: s.printedDate,
          completed_date: s.completedDate,
          canceled_date: s.canceledDate,
          snapshot_revision: s.revision,
          workflow_started: 1,
          updated_at: nowIso(),
        })
        .where('id', '=', s.workorderId)
        .where('snapshot_revision', '<', s.revision)
        .$if(replacing !== undefined, (q) => q.where('snapshot_revision', '=', replacing!))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
export type WorkorderRepository = ReturnType<typeof workorderRepository>;

/** The snapshot a database row holds: what the API serves when the workflow cannot answer. */
export function snapshotFromRow(row: WorkorderRow): WorkorderSnapshot {
  return {
    workorderId: row.id,
    revision: row.snapshot_revision,
    state: row.state as WorkorderState,
    codegenStatus: row.codegen_status as CodegenStatus,
    isArchived: row.is_archived === 1,
    progress: {
      codesGenerated: row.progress_codes,
      batchesCompleted: row.progress_batches_completed,
      batchesTotal: row.progress_batches_total,
    },
    printer: row.printer_json ? (JSON.parse(row.printer_json) as WorkorderSnapshot['printer']) : null,
    zip:
      row.zip_key && row.zip_sha256
        ? { key: row.zip_key, sha256: row.zip_sha256, size: Number(row.zip_size ?? 0) }
        : null,
    cancelReason: row.cancel_reason,
    failure: row.failure,
    dateCodesCompleted: row.date_codes_completed,
    printedDate: row.printed_date,
    completedDate: row.completed_date,
    canceledDate: row.canceled_date,
  };
}
