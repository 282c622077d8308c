import { z } from 'zod';
import type { Repositories } from '../../store';
import { PARTNER_RIGHTS, partnerRights, type PartnershipState } from '../../store/partnerships';
import type { CompanyRow, PartnershipRow } from '../../store/schema';
import { fieldError, invalidState, notFound } from '../errors';
import { pageOf, paginated, paginationQuery } from '../pagination';
import { AUTH_ERRORS, OBJECT_ERRORS, pathId, type RouteSpec } from '../route';
import { idField, named, pageSchema, partnerRightsSchema, timestampField } from '../schemas';
import { parseBody, parseQuery } from '../validation';

/** The same answer for an unknown and a mistyped code; codes are too long to find partners by guessing. */
const UNKNOWN_CODE = 'No printing partner has this invitation code.';

const listQuery = z.object({
  ...paginationQuery,
  state: z.enum(['invited', 'active', 'declined', 'ended'], { error: 'Select a valid choice.' }).optional(),
});

const inviteBody = z.object({
  // Codes are base64url; anything else is refused here, before it reaches a query.
  invitation_code: z
    .string({ error: 'This field is required.' })
    .regex(/^[A-Za-z0-9_-]{1,100}$/, { error: UNKNOWN_CODE }),
  partner_permissions: z.array(z.enum(PARTNER_RIGHTS, { error: 'Select a valid choice.' })).optional(),
});

const PARTNERS_ONLY = {
  companyType: 'printing_partner',
  refusal: 'Only the invited printing partner answers an invitation.',
} as const;

const partySchema = z.object({ id: idField(), name: z.string() }).nullable();
const partnershipSchema = named(
  'Partnership',
  z.object({
    id: idField(),
    state: z.enum(['invited', 'active', 'declined', 'ended']),
    brand: partySchema,
    printing_partner: partySchema,
    partner_permissions: partnerRightsSchema,
    creation_date: timestampField(),
    updated_at: timestampField(),
  }),
);
const partnershipPage = pageSchema('PartnershipPage', partnershipSchema);
const invitationCodeSchema = named('InvitationCode', z.object({ invitation_code: z.string().nullable() }));

async function partnershipJson(
  repos: Repositories,
  row: PartnershipRow,
): Promise<z.infer<typeof partnershipSchema>> {
  const companies = await repos.companies.byIds([row.brand_id, row.partner_id]);
  const side = (c: CompanyRow | undefined) => (c ? { id: c.id, name: c.name } : null);
  return {
    id: row.id,
    state: row.state,
    brand: side(companies.get(row.brand_id)),
    printing_partner: side(companies.get(row.partner_id)),
    partner_permissions: partnerRights(row),
    creation_date: row.creation_date,
    updated_at: row.updated_at,
  };
}

/**
 * Moves the caller's partnership from one of `from` to `to`: 404 when it is not the caller's,
 * 409 from another state. Only the partner answers an invitation (`caller`); either side ends.
 */
function transitionRoute(
  verb: string,
  summary: string,
  from: PartnershipState[],
  to: PartnershipState,
  caller?: RouteSpec['caller'],
): RouteSpec {
  return {
    method: 'post',
    path: `/api/v2/partnerships/:id/${verb}/`,
    summary,
    tag: 'Partnerships',
    auth: 'token',
    permission: 'partnership_manage',
    caller,
    responses: {
      200: { description: 'The partnership, changed.', schema: partnershipSchema },
      409: `Only from ${from.join(' or ')}.`,
      ...OBJECT_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      const row = await deps.repos.partnerships.byIdFor(pathId(req), auth.company.id);
      if (!row) throw notFound();
      const changed = await deps.repos.partnerships.transition(row.id, from, to);
      if (!changed) throw invalidState(`The partnership is ${row.state}; it cannot be ${to} now.`);
      res.json(await partnershipJson(deps.repos, changed));
    },
  };
}

/** Partnerships between brand owners and printing partners (docs/product.md, Partnerships). */
export const partnershipRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/api/v2/partnerships/',
    summary: 'The company’s partnerships and invitations, as brand or as partner',
    tag: 'Partnerships',
    auth: 'token',
    permission: 'partnership_view',
    query: listQuery,
    responses: {
      200: { description: 'A page of partnerships, newest first.', schema: partnershipPage },
      400: 'Bad query.',
      ...AUTH_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      const q = parseQuery(listQuery, req.query);
      const page = pageOf(q);
      const { rows, count } = await deps.repos.partnerships.listFor(auth.company.id, q.state, page);
      const results = await Promise.all(rows.map((row) => partnershipJson(deps.repos, row)));
      res.json(paginated(req, deps.config.publicUrl, page, count, results));
    },
  },
  {
    method: 'get',
    path: '/api/v2/partnerships/invitation-code/',
    summary: 'The partner’s invitation code, to give to brands out of band',
    tag: 'Partnerships',
    auth: 'token',
    permission: 'partnership_view',
    caller: { companyType: 'printing_partner', refusal: 'Only printing partners have an invitation code.' },
    responses: { 200: { description: 'The code.', schema: invitationCodeSchema }, ...AUTH_ERRORS },
    handle({ res, auth }) {
      res.json({ invitation_code: auth.company.invitation_code });
    },
  },
  {
    method: 'post',
    path: '/api/v2/partnerships/',
    summary: 'Invite a printing partner by its invitation code',
    tag: 'Partnerships',
    auth: 'token',
    permission: 'partnership_manage',
    caller: { companyType: 'brand_owner', refusal: 'Only brand owners invite printing partners.' },
    body: inviteBody,
    responses: {
      201: {
        description: 'Invited (or invited again after a decline or an end).',
        schema: partnershipSchema,
      },
      200: { description: 'Already invited or active; unchanged.', schema: partnershipSchema },
      400: 'Invalid, or no partner has the code.',
      ...AUTH_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      const body = parseBody(inviteBody, req.body);
      const partner = await deps.repos.companies.byInvitationCode(body.invitation_code);
      if (!partner) throw fieldError('invitation_code', UNKNOWN_CODE);
      const before = await deps.repos.partnerships.byPair(auth.company.id, partner.id);
      const row = await deps.repos.partnerships.invite(
        auth.company.id,
        partner.id,
        body.partner_permissions ?? PARTNER_RIGHTS,
      );
      const unchanged = before?.state === 'invited' || before?.state === 'active';
      res.status(unchanged ? 200 : 201).json(await partnershipJson(deps.repos, row));
    },
  },
  transitionRoute('accept', 'Accept an invitation', ['invited'], 'active', PARTNERS_ONLY),
  transitionRoute('decline', 'Decline an invitation', ['invited'], 'declined', PARTNERS_ONLY),
  transitionRoute('end', 'End a partnership or withdraw an invitation', ['invited', 'active'], 'ended'),
];
