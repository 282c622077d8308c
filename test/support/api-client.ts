/**
 * A thin HTTP client speaking the API as brand systems do, and the JSON shapes tests read. Every
 * answer it gets is checked against the OpenAPI document the service serves (openapi-validator.ts):
 * a body the document does not describe fails the test.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkorderJson } from '../../src/api/schemas';
import { validatorFor } from './openapi-validator';

export type Json = Record<string, unknown>;

/** A workorder as the API sends it. */
export type Workorder = WorkorderJson;

/** A paginated list. */
export interface Page<T = Json> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface ApiResponse<T = Json> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Sends `Authorization: UAT <token>` (none when the token is null) and parses JSON answers. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string | null,
  ) {}

  async request<T = Json>(
    method: string,
    urlPath: string,
    opts: { json?: unknown; body?: string | Buffer; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (this.token !== null && !('Authorization' in headers)) headers.Authorization = `UAT ${this.token}`;
    let body: string | Buffer | undefined = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['Content-Type'] ??= 'application/json';
    }
    const res = await fetch(this.url(urlPath), { method, headers, body });
    const text = await res.text();
    await this.checkAgainstDocument(method, urlPath, res, text);
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  get<T = Json>(p: string, headers?: Record<string, string>) {
    return this.request<T>('GET', p, { headers });
  }
  post<T = Json>(p: string, json?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', p, { json, headers });
  }
  patch<T = Json>(p: string, json?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PATCH', p, { json, headers });
  }

  async bytes(
    urlPath: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; headers: Headers; data: Buffer }> {
    const h: Record<string, string> = { ...headers };
    if (this.token !== null) h.Authorization = `UAT ${this.token}`;
    const res = await fetch(this.url(urlPath), { headers: h });
    const data = Buffer.from(await res.arrayBuffer());
    const json = res.headers.get('content-type')?.includes('application/json');
    await this.checkAgainstDocument('GET', urlPath, res, json ? data.toString('utf8') : '');
    return { status: res.status, headers: res.headers, data };
  }

  private async checkAgainstDocument(method: string, urlPath: string, res: Response, text: string) {
    const validator = await validatorFor(this.baseUrl);
    validator.check({
      method,
      url: this.url(urlPath),
      status: res.status,
      contentType: res.headers.get('content-type'),
      text,
    });
  }

  /** Polls the workorder until `done` holds, or fails after `timeoutMs`. */
  async waitFor(id: number, done: (w: Workorder) => boolean, timeoutMs = 90_000): Promise<Workorder> {
    const deadline = Date.now() + timeoutMs;
    let last: Workorder | undefined;
    while (Date.now() < deadline) {
      const res = await this.get<Workorder>(`/api/v2/workorders/${id}/`);
      if (res.status === 200) {
        last = res.body;
        if (done(last)) return last;
      }
      await sleep(250);
    }
    throw new Error(
      `workorder ${id} did not reach the expected state; last: ${JSON.stringify(last).slice(0, 500)}`,
    );
  }

  private url(urlPath: string): string {
    return urlPath.startsWith('http') ? urlPath : `${this.baseUrl}${urlPath}`;
  }
}
