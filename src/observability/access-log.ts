import type { NextFunction, Request, Response } from 'express';
import type { Logger } from './logger';
import { activeTraceId } from './tracing';

/**
 * One JSON line per request, written when the response has been sent. The path is logged without
 * its query, which may hold a download link's signature; headers and bodies are never logged.
 */
export function accessLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    // Read now: the request's span has ended by the time the answer is written.
    const traceId = activeTraceId();
    const write = (aborted: boolean) => {
      logger.info(
        {
          request_id: req.requestId,
          method: req.method,
          path: req.originalUrl.split('?')[0],
          status: res.statusCode,
          duration_ms: Math.round(Number(process.hrtime.bigint() - started) / 1e3) / 1e3,
          company_id: req.auth?.company.id ?? null,
          ...(traceId ? { trace_id: traceId } : {}),
          ...(aborted ? { aborted: true } : {}),
        },
        'request',
      );
    };
    let done = false;
    res.once('finish', () => {
      done = true;
      write(false);
    });
    // A client that hangs up mid-answer still leaves a line.
    res.once('close', () => {
      if (!done) write(true);
    });
    next();
  };
}
