import type { NextFunction, Request, Response } from 'express';
import type { ThrottleRepository } from '../store/throttle';
import { ApiError } from './errors';

const WINDOW_MS = 60_000;
/** How often one API process deletes ended windows (the retention sweep does it too). */
const PRUNE_EVERY_MS = 5 * 60_000;

/**
 * Requests per token per minute: a one-minute window per token, counted in the database so the
 * limit holds across every API process (README, Running at scale).
 */
export function throttle(perMinute: number, windows: ThrottleRepository) {
  let lastPrune = Date.now();
  return async (req: Request, _res: Response, next: NextFunction) => {
    const key = req.auth?.token.token_hash;
    if (!key) return next();
    const now = Date.now();
    if (now - lastPrune > PRUNE_EVERY_MS) {
      lastPrune = now;
      await windows.prune(now - WINDOW_MS);
    }
    const window = await windows.hit(key, now, WINDOW_MS);
    if (window.count > perMinute) {
      const wait = Math.max(1, Math.ceil((window.windowStart + WINDOW_MS - now) / 1000));
      throw new ApiError(
        429,
        { detail: `Request was throttled. Expected available in ${wait} seconds.`, code: 'throttled' },
        { 'Retry-After': String(wait) },
      );
    }
    next();
  };
}
