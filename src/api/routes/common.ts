import type { Request } from 'express';
import type { Viewer } from '../../store/workorders';
import type { Auth } from '../auth';
import { ApiError, notFound } from '../errors';

export function methodNotAllowed(req: Request): never {
  throw new ApiError(405, { detail: `Method "${req.method}" not allowed.` });
}

/** Path ids are positive integers; anything else names no object (404, never 500). */
export function pathId(req: Request, name = 'id'): number {
  const raw = req.params[name];
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) throw notFound();
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw notFound();
  return value;
}

export function viewerOf(auth: Auth): Viewer {
  return { companyId: auth.company.id, companyType: auth.company.company_type };
}
