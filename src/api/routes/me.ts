import { z } from 'zod';
import { PERMISSIONS } from '../../store/tokens';
import { AUTH_ERRORS, type RouteSpec } from '../route';
import { companySchema, named, timestampField } from '../schemas';
import { companyJson } from '../serialize';

const meSchema = named(
  'Me',
  z.object({
    company: companySchema,
    permissions: z.array(z.enum(PERMISSIONS)),
    expires: timestampField().nullable(),
    token: z.object({ prefix: z.string(), creation_date: timestampField() }),
  }),
);

export const meRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/api/v2/me/',
    summary: 'The token’s company, permissions and expiry',
    tag: 'Me',
    auth: 'token',
    responses: { 200: { description: 'The caller.', schema: meSchema }, ...AUTH_ERRORS },
    handle({ res, auth }) {
      const me: z.infer<typeof meSchema> = {
        company: companyJson(auth.company),
        permissions: auth.permissions,
        expires: auth.token.expires_at,
        token: { prefix: auth.token.token_prefix, creation_date: auth.token.creation_date },
      };
      res.json(me);
    },
  },
];
