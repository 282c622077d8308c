import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { ApiMetrics } from '../observability/metrics';
import type { CompanyType } from '../store/companies';
import type { Permission } from '../store/tokens';
import type { Auth } from './auth';
import type { ApiDeps } from './context';
import { notFound } from './errors';

/** What a handler is called with; `auth` is the caller, already checked against the route. */
export interface RouteCall<Caller> {
  req: Request;
  res: Response;
  deps: ApiDeps;
  metrics: ApiMetrics;
  auth: Caller;
}

type Handler<Caller> = (call: RouteCall<Caller>) => Promise<void> | void;

/**
 * A documented answer. A JSON success names its body's schema (registered by `named()` of
 * schemas.ts, a component of the API reference); a refusal without one is `Error`, or `FieldErrors`
 * for a 400; a non-JSON success is `produces`.
 */
export type RouteResponse = string | { description: string; schema: z.ZodType };

interface RouteBase {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** Express path, e.g. `/api/v2/workorders/:id/`; an `:id` is a positive integer (see pathId). */
  path: string;
  summary: string;
  tag: 'Me' | 'Workorders' | 'Codes' | 'Printing' | 'Partnerships' | 'Webhooks' | 'Products' | 'Operations';
  /** The permission the token needs (403 without it); none: any valid token. */
  permission?: Permission;
  /**
   * Only companies of this type may call it: others, even with the permission, get 403 `refusal`.
   * A rule about one object (the workorder's own partner) stays in the handler, after its 404.
   */
  caller?: { companyType: CompanyType; refusal: string };
  /** The schema the handler validates the JSON body with (parseBody); the API reference shows it. */
  body?: z.ZodType;
  /** The body may also be multipart/form-data, with an `image` file. */
  multipart?: boolean;
  /** The schema the handler validates the query with (parseQuery); each field is a parameter. */
  query?: z.ZodType;
  /** Status codes the route answers, with what they mean. */
  responses: Record<number, RouteResponse>;
  /** A non-JSON success body. */
  produces?: string;
  /** Other methods on the path answer 405, unless `'not found'`: the probes answer them like unknown paths. */
  otherMethods?: 'not found';
}

/**
 * One route of the service, declared once: the app mounts it and checks its caller, the OpenAPI
 * document is written from it, and the authorization matrix test runs over it. `auth` says who
 * may call: `token` (`Authorization: UAT <token>`), `link` (a token or the signed `codegen_file`
 * link; the handler gets null for a link) or `none` (public).
 */
export type RouteSpec = RouteBase &
  (
    | { auth: 'token'; handle: Handler<Auth> }
    | { auth: 'link'; handle: Handler<Auth | null> }
    | { auth: 'none'; handle: Handler<undefined> }
  );

/** Answers every token route may give. */
export const AUTH_ERRORS = {
  401: 'No, unknown or expired token.',
  403: 'The token lacks the permission.',
  429: 'Throttled.',
};
/** ...and those of a route naming one object. */
export const OBJECT_ERRORS = { ...AUTH_ERRORS, 404: 'Not found (or another company’s).' };
/** ...and those of a route changing a workorder through its workflow. */
export const CHANGE_ERRORS = {
  ...OBJECT_ERRORS,
  409: 'The workorder’s state refuses this change.',
  503: 'Temporal unreachable.',
};

/** Path ids are positive integers; anything else names no object (404, never 500). */
export function pathId(req: Request): number {
  const raw = req.params.id;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) throw notFound();
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw notFound();
  return value;
}

/** A path parameter in the API reference: `:id` as pathId reads it, any other as text. */
export function pathParameterSchema(name: string): Record<string, unknown> {
  return name === 'id' ? { type: 'integer', minimum: 1 } : { type: 'string' };
}
