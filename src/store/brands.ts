import type { Kysely } from 'kysely';
import { nowIso, orderedPage, type PageRequest } from './database';
import type { BrandRow, Database } from './schema';

export function brandRepository(db: Kysely<Database>) {
  return {
    async create(input: { companyId: number; name: string; image?: string | null }): Promise<BrandRow> {
      return db
        .insertInto('brands')
        .values({
          company_id: input.companyId,
          name: input.name,
          image: input.image ?? null,
          creation_date: nowIso(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async nameTaken(companyId: number, name: string): Promise<boolean> {
      const row = await db
        .selectFrom('brands')
        .select('id')
        .where('company_id', '=', companyId)
        .where('name', '=', name)
        .executeTakeFirst();
      return row !== undefined;
    },

    async byIdForCompany(id: number, companyId: number): Promise<BrandRow | undefined> {
      return db
        .selectFrom('brands')
        .selectAll()
        .where('id', '=', id)
        .where('company_id', '=', companyId)
        .executeTakeFirst();
    },

    async byIds(ids: number[]): Promise<Map<number, BrandRow>> {
      if (ids.length === 0) return new Map();
      const rows = await db.selectFrom('brands').selectAll().where('id', 'in', ids).execute();
      return new Map(rows.map((r) => [r.id, r]));
    },

    /** The company's brands, newest first. */
    async listForCompany(
      companyId: number,
      page: Omit<PageRequest, 'ordering'>,
    ): Promise<{ rows: BrandRow[]; count: number }> {
      return orderedPage(db.selectFrom('brands').where('company_id', '=', companyId), {
        ordering: '-id',
        ...page,
      });
    },
  };
}
export type BrandRepository = ReturnType<typeof brandRepository>;
