import type { NextFunction, Request, Response } from 'express';
import { ApiError } from './errors';

/** Requests per token per minute (a fixed one-minute window), in this process's memory. */
export function throttle(perMinute: number) {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = Date.now();
  return (req: Request, _res: Response, next: NextFunction) => {
    const key = req.auth?.token.token_hash;
    if (!key) return next();
    const now = Date.now();
    if (now - lastSweep > 60_000) {
      for (const [k, w] of windows) if (now - w.start >= 60_000) windows.delete(k);
      lastSweep = now;
    }
    let window = windows.get(key);
    if (!window || now - window.start >= 60_000) {
      window = { start: now, count: 0 };
      windows.set(key, window);
    }
    window.count += 1;
    if (window.count > perMinute) {
      const wait = Math.max(1, Math.ceil((window.start + 60_000 - now) / 1000));
      throw new ApiError(
        429,
        { detail: `Request was throttled. Expected available in ${wait} seconds.`, code: 'throttled' },
        { 'Retry-After': String(wait) },
      );
    }
    next();
  };
}
