import type { NextFunction, Request, Response } from 'express';
import type { Repositories } from '../store';
import type { CompanyRow, TokenRow } from '../store/schema';
import { tokenPermissions, type Permission } from '../store/tokens';
import type { Viewer } from '../store/workorders';
import { ApiError, forbidden } from './errors';
import type { LinkSigner } from './links';
import { pathId } from './route';

export interface Auth {
  token: TokenRow;
  company: CompanyRow;
  permissions: Permission[];
}

declare module 'express-serve-static-core' {
  interface Request {
    auth?: Auth;
    requestId: string;
  }
}

const unauthorized = (detail: string) => new ApiError(401, { detail }, { 'WWW-Authenticate': 'UAT' });

/** Reads `Authorization: UAT <token>`; missing, unknown and expired tokens are 401. */
export async function authenticate(repos: Repositories, header: string | undefined): Promise<Auth> {
  if (!header) throw unauthorized('Authentication credentials were not provided.');
  const match = /^UAT ([A-Za-z0-9_-]{1,200})$/.exec(header.trim());
  if (!match) throw unauthorized('Invalid token header. Use "Authorization: UAT <token>".');
  const token = await repos.tokens.findByToken(match[1]);
  if (!token) throw unauthorized('Invalid token.');
  if (token.expires_at !== null && token.expires_at <= new Date().toISOString()) {
    throw unauthorized('Token has expired.');
  }
  const company = await repos.companies.byId(token.company_id);
  if (!company) throw unauthorized('Invalid token.');
  return { token, company, permissions: tokenPermissions(token) };
}

/** A sent token is checked before routing (a bad one is 401 anywhere); a route decides if one is needed. */
export function readToken(repos: Repositories) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    if (req.headers.authorization !== undefined) {
      req.auth = await authenticate(repos, req.headers.authorization);
    }
    next();
  };
}

/** The caller's auth, with the permission checked (403 when the token lacks it). */
export function authorized(req: Request, permission?: Permission): Auth {
  const auth = req.auth;
  if (!auth) throw unauthorized('Authentication credentials were not provided.');
  if (permission && !auth.permissions.includes(permission)) throw forbidden();
  return auth;
}

/**
 * True when a request without a token holds a signed `codegen_file` link (403 if it is wrong or
 * expired). The link signs the path's workorder id, so an id that is no id is a 404 first.
 */
export function holdsSignedLink(req: Request, links: LinkSigner): boolean {
  const id = pathId(req);
  const { expires, signature } = req.query;
  if (req.auth || (expires === undefined && signature === undefined)) return false;
  if (typeof expires !== 'string' || typeof signature !== 'string' || !links.verify(id, expires, signature)) {
    throw new ApiError(403, { detail: 'Invalid or expired download link.' });
  }
  return true;
}

/** Whose workorders the caller sees: a brand owner its own, a partner those addressed to it. */
export function viewerOf(auth: Auth): Viewer {
  return { companyId: auth.company.id, companyType: auth.company.company_type };
}
