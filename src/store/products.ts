import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { workorderStatuses } from '../codes/activation';
import { countByStatus, type ActivationStatus, type StatusRange } from '../codes/status-ranges';
import { containsAny, nowIso, orderedPage, type PageRequest } from './database';
import type { Database, ProductRow } from './schema';

export interface NewProduct {
  uuid?: string;
  companyId: number;
  brandId: number;
  sku: string;
  name: string;
  label: string | null;
  description: string;
  clientUrl: string;
  imageKey: string | null;
}

/** The columns a PATCH may change; absent keys stay as they are. */
export type ProductChanges = Partial<
  Pick<ProductRow, 'brand_id' | 'sku' | 'name' | 'label' | 'description' | 'client_url' | 'image_key'>
>;

export interface ProductFilter extends PageRequest {
  isArchived: boolean;
  skuExact?: string;
  search?: string;
}

/** Codes of a product, counted from its workorders; a canceled workorder's codes are blacklisted. */
export interface CodeCounts {
  codeCount: number;
  activeCodeCount: number;
  blacklistedCodeCount: number;
}

export const NO_CODES: CodeCounts = { codeCount: 0, activeCodeCount: 0, blacklistedCodeCount: 0 };

export function productRepository(db: Kysely<Database>) {
  const ofCompany = (companyId: number) => db.selectFrom('products').where('company_id', '=', companyId);

  return {
    /** Throws a unique violation when the SKU is taken in the company (the caller answers 400). */
    async create(p: NewProduct): Promise<ProductRow> {
      const now = nowIso();
      return db
        .insertInto('products')
        .values({
          uuid: p.uuid ?? randomUUID(),
          company_id: p.companyId,
          brand_id: p.brandId,
          sku: p.sku,
          name: p.name,
          label: p.label,
          description: p.description,
          client_url: p.clientUrl,
          image_key: p.imageKey,
          is_archived: 0,
          creation_date: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async update(id: number, changes: ProductChanges): Promise<ProductRow> {
      return db
        .updateTable('products')
        .set({ ...changes, updated_at: nowIso() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async archive(id: number): Promise<void> {
      await db
        .updateTable('products')
        .set({ is_archived: 1, updated_at: nowIso() })
        .where('id', '=', id)
        .execute();
    },

    async byIdForCompany(id: number, companyId: number): Promise<ProductRow | undefined> {
      return ofCompany(companyId).selectAll().where('id', '=', id).executeTakeFirst();
    },

    async byUuid(uuid: string): Promise<ProductRow | undefined> {
      return db.selectFrom('products').selectAll().where('uuid', '=', uuid).executeTakeFirst();
    },

    async byIds(ids: number[]): Promise<Map<number, ProductRow>> {
      if (ids.length === 0) return new Map();
      const rows = await db.selectFrom('products').selectAll().where('id', 'in', ids).execute();
      return new Map(rows.map((r) => [r.id, r]));
    },

    async skuTaken(companyId: number, sku: string, exceptId?: number): Promise<boolean> {
      let q = ofCompany(companyId).select('id').where('sku', '=', sku);
      if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
      return (await q.executeTakeFirst()) !== undefined;
    },

    /** A live (non-archived) product of the company, by SKU. */
    async activeBySku(companyId: number, sku: string): Promise<ProductRow | undefined> {
      return ofCompany(companyId)
        .selectAll()
        .where('sku', '=', sku)
        .where('is_archived', '=', 0)
        .executeTakeFirst();
    },

    async activeById(companyId: number, id: number): Promise<ProductRow | undefined> {
      return ofCompany(companyId)
        .selectAll()
        .where('id', '=', id)
        .where('is_archived', '=', 0)
        .executeTakeFirst();
    },

    async list(companyId: number, f: ProductFilter): Promise<{ rows: ProductRow[]; count: number }> {
      let q = ofCompany(companyId).where('is_archived', '=', f.isArchived ? 1 : 0);
      if (f.skuExact !== undefined) q = q.where('sku', '=', f.skuExact);
      if (f.search) q = q.where(containsAny(['sku', 'name', 'description'], f.search));
      return orderedPage(q, f);
    },

    /**
     * Each product's codes by status, computed from its workorders and their brands' changes
     * (docs/product.md, Code status): two queries, however many codes.
     */
    async codeCounts(productIds: number[]): Promise<Map<number, CodeCounts>> {
      if (productIds.length === 0) return new Map();
      const [workorders, changes] = await Promise.all([
        db
          .selectFrom('workorders')
          .select(['id', 'product_id', 'type', 'state', 'activate_on_complete', 'quantity'])
          .where('product_id', 'in', productIds)
          .execute(),
        db
          .selectFrom('code_status_changes as c')
          .innerJoin('workorders as w', 'w.id', 'c.workorder_id')
          .select(['c.workorder_id', 'c.first_sequence', 'c.last_sequence', 'c.activation_status'])
          .where('w.product_id', 'in', productIds)
          .orderBy('c.id')
          .execute(),
      ]);
      const changesOf = new Map<number, StatusRange[]>();
      for (const c of changes) {
        const list = changesOf.get(c.workorder_id) ?? [];
        list.push({
          first: c.first_sequence,
          last: c.last_sequence,
          status: c.activation_status as ActivationStatus,
        });
        changesOf.set(c.workorder_id, list);
      }
      const counts = new Map<number, CodeCounts>();
      for (const w of workorders) {
        const byStatus = countByStatus(workorderStatuses(w, changesOf.get(w.id) ?? []));
        const total = counts.get(Number(w.product_id)) ?? { ...NO_CODES };
        total.codeCount += w.quantity;
        total.activeCodeCount += byStatus[1];
        total.blacklistedCodeCount += byStatus[2];
        counts.set(Number(w.product_id), total);
      }
      return counts;
    },
  };
}
export type ProductRepository = ReturnType<typeof productRepository>;
