import { Router } from 'express';
import { authorized } from '../auth';
import type { ApiDeps } from '../context';
import { listSchema, pageOf, paginated } from '../pagination';
import { brandJson } from '../product-json';
import { parseQuery } from '../validation';
import { methodNotAllowed } from './common';

/** The caller's company's brands (operators create them with `admin brand create`). */
export function brandRoutes(deps: ApiDeps): Router {
  const router = Router();
  router
    .route('/brands/')
    .get(async (req, res) => {
      const auth = authorized(req, 'product_view');
      const page = pageOf(parseQuery(listSchema, req.query));
      const { rows, count } = await deps.repos.brands.listForCompany(auth.company.id, page);
      res.json(paginated(req, deps.config.publicUrl, page, count, rows.map(brandJson)));
    })
    .all(methodNotAllowed);
  return router;
}
