import type { Request } from 'express';
import { z } from 'zod';
import { ORDERINGS } from '../store/database';
import { integer } from './validation';

export const paginationQuery = {
  limit: integer(1, 1000).optional(),
  offset: integer(0, Number.MAX_SAFE_INTEGER).optional(),
};

export const orderingQuery = z.enum(ORDERINGS, { error: 'Select a valid choice.' }).optional();

export interface Page {
  limit: number;
  offset: number;
}

export function pageOf(q: { limit?: number; offset?: number }): Page {
  return { limit: q.limit ?? 20, offset: q.offset ?? 0 };
}

/** The list envelope; next/previous are absolute URLs that keep the other query parameters. */
export function paginated<T>(req: Request, publicUrl: string, page: Page, count: number, results: T[]) {
  const link = (offset: number) => {
    const url = new URL(req.originalUrl, `${publicUrl}/`);
    url.searchParams.set('limit', String(page.limit));
    if (offset > 0) url.searchParams.set('offset', String(offset));
    else url.searchParams.delete('offset');
    return `${publicUrl}${url.pathname}${url.search}`;
  };
  return {
    count,
    next: page.offset + page.limit < count ? link(page.offset + page.limit) : null,
    previous: page.offset > 0 ? link(Math.max(0, page.offset - page.limit)) : null,
    results,
  };
}

export const listSchema = z.object(paginationQuery);
