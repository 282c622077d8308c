import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
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

/** Codes of a product, counted from its workorders (docs/product.md, Lifecycle: canceled workorders' codes are void). */
export interface CodeCounts {
  codeCount: number;
  activeCodeCount: number;
}

export const NO_CODES: CodeCounts = { codeCount: 0, activeCodeCount: 0 };

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
     * code_count: quantities of the products' workorders that are not canceled; active: those
     * completed with activate_on_complete (docs/product.md, Lifecycle: the codes that are active).
     */
    async codeCounts(productIds: number[]): Promise<Map<number, CodeCounts>> {
      if (productIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('workorders')
        .select((eb) => [
          'product_id',
          eb.fn.sum<number>('quantity').as('code_count'),
          sql<number>`sum(case when state = 'completed' and activate_on_complete = 1 then quantity else 0 end)`.as(
            'active_code_count',
          ),
        ])
        .where('product_id', 'in', productIds)
        .where('state', '!=', 'canceled')
        .groupBy('product_id')
        .execute();
      return new Map(
        rows.map((r) => [
          Number(r.product_id),
          { codeCount: Number(r.code_count ?? 0), activeCodeCount: Number(r.active_code_count ?? 0) },
        ]),
      );
    },
  };
}
export type ProductRepository = ReturnType<typeof productRepository>;
