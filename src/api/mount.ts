import type { Request, Response, Router } from 'express';
import { nameRequestSpan } from '../observability/tracing';
import { authorized, holdsSignedLink, type Auth } from './auth';
import { ApiError, forbidden } from './errors';
import type { RouteCall, RouteSpec } from './route';

/** What every handler gets besides its request: the app's dependencies and metrics. */
export type RouteContext = Omit<RouteCall<unknown>, 'req' | 'res' | 'auth'>;

/**
 * Mounts routes on an Express router or app, one Express route per path in the order given (a
 * fixed segment before the `:id` that would take it), minus `mountPath`. Each handler runs once
 * its caller passed the route's checks; other methods on the path answer 405.
 */
export function mountRoutes(
  router: Pick<Router, 'route'>,
  routes: RouteSpec[],
  context: RouteContext,
  mountPath = '',
): void {
  const byPath = new Map<string, RouteSpec[]>();
  for (const spec of routes) byPath.set(spec.path, [...(byPath.get(spec.path) ?? []), spec]);
  for (const [path, specs] of byPath) {
    const route = router.route(path.slice(mountPath.length));
    for (const spec of specs) {
      route[spec.method]((req: Request, res: Response) => {
        nameRequestSpan(req.method, spec.path);
        return handle(spec, { req, res, ...context });
      });
    }
    if (specs.some((spec) => spec.otherMethods === undefined)) route.all(methodNotAllowed);
  }
}

function methodNotAllowed(req: Request): never {
  throw new ApiError(405, { detail: `Method "${req.method}" not allowed.` });
}

function handle(spec: RouteSpec, call: Omit<RouteCall<unknown>, 'auth'>): Promise<void> | void {
  switch (spec.auth) {
    case 'none':
      return spec.handle({ ...call, auth: undefined });
    case 'link':
      return spec.handle({
        ...call,
        auth: holdsSignedLink(call.req, call.deps.links) ? null : caller(spec, call.req),
      });
    case 'token':
      return spec.handle({ ...call, auth: caller(spec, call.req) });
  }
}

/** The token's caller, with the route's permission and company type checked (401, then 403). */
function caller(spec: RouteSpec, req: Request): Auth {
  const auth = authorized(req, spec.permission);
  if (spec.caller && auth.company.company_type !== spec.caller.companyType) {
    throw forbidden(spec.caller.refusal);
  }
  return auth;
}
