import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { nowIso } from './database';
import type { Database, TokenRow } from './schema';

export const PERMISSIONS = [
  'workorder_view',
  'workorder_create',
  'workorder_edit',
  'workorder_cancel',
  'workorder_archive',
  'workorder_download',
  'product_view',
  'product_create',
  'product_edit',
  'product_delete',
  'partnership_view',
  'partnership_manage',
  'printing_setup',
  'webhook_manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface IssuedToken {
  row: TokenRow;
  /** The plain token: shown once to the operator, never stored. */
  token: string;
}

export function tokenRepository(db: Kysely<Database>) {
  return {
    async create(
      companyId: number,
      permissions: Permission[],
      expiresAt: string | null,
    ): Promise<IssuedToken> {
      const token = `uat_${randomBytes(24).toString('base64url')}`;
      const row = await db
        .insertInto('tokens')
        .values({
          company_id: companyId,
          token_hash: hashToken(token),
          token_prefix: token.slice(0, 8),
          permissions: permissions.join(','),
          expires_at: expiresAt,
          creation_date: nowIso(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { row, token };
    },
    /** Finds a token by its plain value; the stored hash is compared in constant time. */
    async findByToken(token: string): Promise<TokenRow | undefined> {
      const hash = hashToken(token);
      const row = await db.selectFrom('tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
      if (!row) return undefined;
      const same = timingSafeEqual(Buffer.from(row.token_hash, 'hex'), Buffer.from(hash, 'hex'));
      return same ? row : undefined;
    },
  };
}
export type TokenRepository = ReturnType<typeof tokenRepository>;

export function tokenPermissions(row: TokenRow): Permission[] {
  return row.permissions
    .split(',')
    .filter((p): p is Permission => (PERMISSIONS as readonly string[]).includes(p));
}
