import { AUTH_ERRORS, type RouteSpec } from '../route';
import { companyJson } from '../serialize';

export const meRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/api/v2/me/',
    summary: 'The token’s company, permissions and expiry',
    tag: 'Me',
    auth: 'token',
    responses: { 200: 'The caller.', ...AUTH_ERRORS },
    handle({ res, auth }) {
      res.json({
        company: companyJson(auth.company),
        permissions: auth.permissions,
        expires: auth.token.expires_at,
        token: { prefix: auth.token.token_prefix, creation_date: auth.token.creation_date },
      });
    },
  },
];
