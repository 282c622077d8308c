import type { Kysely } from 'kysely';
import { nowIso, orderedPage, type PageRequest } from './database';
import type { Database, TemplateRow, TemplateTable } from './schema';

export interface NewTemplate {
  companyId: number;
  name: string;
  description?: string;
  type: TemplateTable['type'];
  codeLayout: TemplateTable['code_layout'];
  useSerialNumber: boolean;
  activateOnComplete: boolean;
  isStaticPrint: boolean;
  isHybrid: boolean;
  urlPrefix: string;
  printingPartnerId: number | null;
  /** Printer-confirm takes only calibrations an operator approved. */
  calibrationApproval?: boolean;
}

export function templateRepository(db: Kysely<Database>) {
  return {
    async create(t: NewTemplate): Promise<TemplateRow> {
      return db
        .insertInto('templates')
        .values({
          company_id: t.companyId,
          name: t.name,
          description: t.description ?? '',
          type: t.type,
          code_layout: t.codeLayout,
          use_serial_number: t.useSerialNumber ? 1 : 0,
          activate_on_complete: t.activateOnComplete ? 1 : 0,
          is_static_print: t.isStaticPrint ? 1 : 0,
          is_hybrid: t.isHybrid ? 1 : 0,
          url_prefix: t.urlPrefix,
          printing_partner_id: t.printingPartnerId,
          calibration_approval: t.calibrationApproval ? 1 : 0,
          is_archived: 0,
          creation_date: nowIso(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async byIdForCompany(id: number, companyId: number): Promise<TemplateRow | undefined> {
      return db
        .selectFrom('templates')
        .selectAll()
        .where('id', '=', id)
        .where('company_id', '=', companyId)
        .executeTakeFirst();
    },
    /** The company's live templates, newest first. */
    async listForCompany(
      companyId: number,
      page: Omit<PageRequest, 'ordering'>,
    ): Promise<{ rows: TemplateRow[]; count: number }> {
      const live = db
        .selectFrom('templates')
        .where('company_id', '=', companyId)
        .where('is_archived', '=', 0);
      return orderedPage(live, { ordering: '-id', ...page });
    },
  };
}
export type TemplateRepository = ReturnType<typeof templateRepository>;
