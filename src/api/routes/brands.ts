import { listSchema, pageOf, paginated } from '../pagination';
import { brandJson } from '../product-json';
import { AUTH_ERRORS, type RouteSpec } from '../route';
import { brandSchema, pageSchema } from '../schemas';
import { parseQuery } from '../validation';

const brandPage = pageSchema('BrandPage', brandSchema);

/** The caller's company's brands (operators create them with `admin brand create`). */
export const brandRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/api/v2/brands/',
    summary: 'The company’s brands',
    tag: 'Products',
    auth: 'token',
    permission: 'product_view',
    query: listSchema,
    responses: {
      200: { description: 'A page of brands.', schema: brandPage },
      400: 'Bad query.',
      ...AUTH_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      const page = pageOf(parseQuery(listSchema, req.query));
      const { rows, count } = await deps.repos.brands.listForCompany(auth.company.id, page);
      res.json(paginated(req, deps.config.publicUrl, page, count, rows.map(brandJson)));
    },
  },
];
