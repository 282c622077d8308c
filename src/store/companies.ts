import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { nowIso } from './database';
import { newInvitationCode } from './partnerships';
import type { CompanyRow, Database } from './schema';

export type CompanyType = CompanyRow['company_type'];

export interface NewCompany {
  name: string;
  companyType: CompanyType;
  email?: string | null;
  country?: string;
  city?: string;
  website?: string;
}

function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '-');
  return slug || 'company';
}

export function companyRepository(db: Kysely<Database>) {
  return {
    async create(input: NewCompany): Promise<CompanyRow> {
      return db
        .insertInto('companies')
        .values({
          uuid: randomUUID(),
          name: input.name,
          slug: slugify(input.name),
          company_type: input.companyType,
          email: input.email ?? null,
          country: input.country ?? '',
          city: input.city ?? '',
          website: input.website ?? '',
          creation_date: nowIso(),
          invitation_code: input.companyType === 'printing_partner' ? newInvitationCode() : null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async byId(id: number): Promise<CompanyRow | undefined> {
      return db.selectFrom('companies').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async byInvitationCode(code: string): Promise<CompanyRow | undefined> {
      return db.selectFrom('companies').selectAll().where('invitation_code', '=', code).executeTakeFirst();
    },
    async byIds(ids: number[]): Promise<Map<number, CompanyRow>> {
      if (ids.length === 0) return new Map();
      const rows = await db.selectFrom('companies').selectAll().where('id', 'in', ids).execute();
      return new Map(rows.map((r) => [r.id, r]));
    },
  };
}
export type CompanyRepository = ReturnType<typeof companyRepository>;
