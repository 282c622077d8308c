import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { nowIso, orderedPage, type PageRequest } from './database';
import type { Database, PartnershipRow, PartnershipTable } from './schema';

/** What a partnership lets the partner do with the brand's workorders (docs/product.md, Partnerships). */
export const PARTNER_RIGHTS = ['see', 'confirm', 'download'] as const;
export type PartnerRight = (typeof PARTNER_RIGHTS)[number];
export type PartnershipState = PartnershipTable['state'];

/** A printing partner's invitation code: 128 random bits, so brands cannot find partners by guessing. */
export function newInvitationCode(): string {
  return randomBytes(16).toString('base64url');
}

export function partnerRights(row: Pick<PartnershipRow, 'permissions'>): PartnerRight[] {
  const stored = JSON.parse(row.permissions) as string[];
  return PARTNER_RIGHTS.filter((right) => stored.includes(right));
}

export function pairKey(brandId: number, partnerId: number): string {
  return `${brandId}:${partnerId}`;
}

export function partnershipRepository(db: Kysely<Database>) {
  /** Sets the pair's state, creating the row when the pair has none; returns the row. */
  async function upsert(
    brandId: number,
    partnerId: number,
    state: PartnershipState,
    rights: readonly PartnerRight[],
    keepStates: readonly PartnershipState[],
  ): Promise<PartnershipRow> {
    const now = nowIso();
    const values = { state, permissions: JSON.stringify(rights), updated_at: now };
    return db
      .insertInto('partnerships')
      .values({ brand_id: brandId, partner_id: partnerId, creation_date: now, ...values })
      .onConflict((oc) => {
        const update = oc.columns(['brand_id', 'partner_id']).doUpdateSet(values);
        // A live partnership is left as it is (an invitation repeated does not demote it).
        return keepStates.length ? update.where('partnerships.state', 'not in', [...keepStates]) : update;
      })
      .returningAll()
      .executeTakeFirst()
      .then(async (row) => row ?? (await byPair(brandId, partnerId))!);
  }

  async function byPair(brandId: number, partnerId: number): Promise<PartnershipRow | undefined> {
    return db
      .selectFrom('partnerships')
      .selectAll()
      .where('brand_id', '=', brandId)
      .where('partner_id', '=', partnerId)
      .executeTakeFirst();
  }

  return {
    /** The brand invites the partner; an open invitation or an active partnership stays as it is. */
    invite(brandId: number, partnerId: number, rights: readonly PartnerRight[]): Promise<PartnershipRow> {
      return upsert(brandId, partnerId, 'invited', rights, ['invited', 'active']);
    },
    /** The operator links the pair directly (active, every right unless given). */
    link(brandId: number, partnerId: number, rights: readonly PartnerRight[] = PARTNER_RIGHTS) {
      return upsert(brandId, partnerId, 'active', rights, []);
    },
    byPair,
    /** The pair's partnership when it is active: the only one that lets the brand address the partner. */
    async active(brandId: number, partnerId: number): Promise<PartnershipRow | undefined> {
      const row = await byPair(brandId, partnerId);
      return row?.state === 'active' ? row : undefined;
    },
    /** The partnership when the company is one of its two sides. */
    async byIdFor(id: number, companyId: number): Promise<PartnershipRow | undefined> {
      return db
        .selectFrom('partnerships')
        .selectAll()
        .where('id', '=', id)
        .where((eb) => eb.or([eb('brand_id', '=', companyId), eb('partner_id', '=', companyId)]))
        .executeTakeFirst();
    },
    /** Moves the partnership from one of `from` to `to`; undefined when its state was another. */
    async transition(
      id: number,
      from: readonly PartnershipState[],
      to: PartnershipState,
    ): Promise<PartnershipRow | undefined> {
      return db
        .updateTable('partnerships')
        .set({ state: to, updated_at: nowIso() })
        .where('id', '=', id)
        .where('state', 'in', [...from])
        .returningAll()
        .executeTakeFirst();
    },
    /** The company's partnerships (as brand or as partner), newest first, optionally of one state. */
    async listFor(
      companyId: number,
      state: PartnershipState | undefined,
      page: Omit<PageRequest, 'ordering'>,
    ): Promise<{ rows: PartnershipRow[]; count: number }> {
      let query = db
        .selectFrom('partnerships')
        .where((eb) => eb.or([eb('brand_id', '=', companyId), eb('partner_id', '=', companyId)]));
      if (state) query = query.where('state', '=', state);
      return orderedPage(query, { ordering: '-id', ...page });
    },
    /** The rights of each active partnership among the pairs, keyed by pairKey. */
    async rightsOf(pairs: Array<[brandId: number, partnerId: number]>): Promise<Map<string, PartnerRight[]>> {
      if (pairs.length === 0) return new Map();
      const rows = await db
        .selectFrom('partnerships')
        .selectAll()
        .where('state', '=', 'active')
        .where('brand_id', 'in', [...new Set(pairs.map(([b]) => b))])
        .where('partner_id', 'in', [...new Set(pairs.map(([, p]) => p))])
        .execute();
      return new Map(rows.map((r) => [pairKey(r.brand_id, r.partner_id), partnerRights(r)]));
    },
    /**
     * What the brand granted each pair when it made the partnership, whatever its state now: the
     * download right outlives an ended partnership as the workorders do (docs/product.md).
     */
    async grantedRights(
      pairs: Array<[brandId: number, partnerId: number]>,
    ): Promise<Map<string, PartnerRight[]>> {
      if (pairs.length === 0) return new Map();
      const rows = await db
        .selectFrom('partnerships')
        .selectAll()
        .where('brand_id', 'in', [...new Set(pairs.map(([b]) => b))])
        .where('partner_id', 'in', [...new Set(pairs.map(([, p]) => p))])
        .execute();
      return new Map(rows.map((r) => [pairKey(r.brand_id, r.partner_id), partnerRights(r)]));
    },
    async listAll(): Promise<PartnershipRow[]> {
      return db.selectFrom('partnerships').selectAll().orderBy('id').execute();
    },
  };
}
export type PartnershipRepository = ReturnType<typeof partnershipRepository>;
