import { Router } from 'express';
import { authorized } from '../auth';
import type { ApiDeps } from '../context';
import { pageOf, paginated, listSchema } from '../pagination';
import { companyJson, templateJson } from '../serialize';
import { parseQuery } from '../validation';
import { methodNotAllowed } from './common';

export function meRoutes(deps: ApiDeps): Router {
  const router = Router();
  router
    .route('/me/')
    .get((req, res) => {
      const auth = authorized(req);
      res.json({
        company: companyJson(auth.company),
        permissions: auth.permissions,
        expires: auth.token.expires_at,
        token: { prefix: auth.token.token_prefix, creation_date: auth.token.creation_date },
      });
    })
    .all(methodNotAllowed);

  router
    .route('/workorders/templates/')
    .get(async (req, res) => {
      const auth = authorized(req, 'workorder_view');
      const page = pageOf(parseQuery(listSchema, req.query));
      const { rows, count } = await deps.repos.templates.listForCompany(auth.company.id, page);
      res.json(paginated(req, deps.config.publicUrl, page, count, rows.map(templateJson)));
    })
    .all(methodNotAllowed);
  return router;
}
