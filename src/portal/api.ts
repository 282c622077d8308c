/** The portal's only way to the service: same-origin fetches with `Authorization: UAT <token>`. */

export interface CompanyRef {
  id: number;
  name: string;
  company_type?: string;
}

export interface Equipment {
  id: number;
  name: string;
  dpi: number;
}

export interface Substrate {
  id: number;
  name: string;
  description?: string;
}

export interface Workorder {
  id: number;
  reference: string;
  company: CompanyRef | null;
  printing_partner: CompanyRef | null;
  equipment: Equipment | null;
  substrate: Substrate | null;
  state: string;
  codegen_status: number;
  codegen_file: string | null;
  quantity: number;
  due_date: string | null;
  remarks: string;
  creation_date: string;
  date_codes_completed: string | null;
  printed_date: string | null;
  code_layout: string;
  use_serial_number: boolean;
  is_archived: boolean;
  is_static_print: boolean;
  is_hybrid: boolean;
  total_impressions: number | null;
  url_prefix: string;
  external_id: string;
  template: number | null;
  type: string;
  activate_on_complete: boolean;
  product: { id: number; name: string; sku: string } | null;
  brand: { id: number; name: string } | null;
  progress: { codes_generated: number; batches_completed: number; batches_total: number };
  cancel_reason: string | null;
  failure?: unknown;
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface Me {
  company: CompanyRef;
  permissions: string[];
  expires: string | null;
}

export interface Partnership {
  id: number;
  state: string;
  brand: CompanyRef | null;
  printing_partner: CompanyRef | null;
  partner_permissions: string[];
}

export type FieldErrors = Record<string, string[]>;

/** A refusal from the API, with its status and JSON body (`{"detail"}` or errors keyed by field). */
export class ApiRefusal extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly retryAfter: string | null,
  ) {
    super(refusalMessage(status, body, retryAfter));
  }

  /** Validation messages keyed by field, for a 400 shaped `{field: [msgs]}`. */
  get fieldErrors(): FieldErrors {
    if (this.status !== 400) return {};
    const errors: FieldErrors = {};
    for (const [field, value] of Object.entries(this.body)) {
      if (Array.isArray(value)) errors[field] = value.map(String);
      else if (typeof value === 'string' && field !== 'detail' && field !== 'code') errors[field] = [value];
    }
    return errors;
  }
}

function refusalMessage(status: number, body: Record<string, unknown>, retryAfter: string | null): string {
  const detail = typeof body.detail === 'string' ? body.detail : undefined;
  if (status === 429) return `Too many requests. Try again in ${retryAfter ?? 'a few'} seconds.`;
  if (status === 503) return 'The service is briefly unavailable. Try again in a moment.';
  if (status >= 500)
    return 'Something went wrong on our side. Try again; if it persists, tell your operator.';
  if (detail) return detail;
  const general = body.non_field_errors;
  if (Array.isArray(general) && general.length > 0) return general.map(String).join(' ');
  return `The request was refused (HTTP ${status}).`;
}

const TOKEN_KEY = 'workorder-portal.token';

/** The token lives in sessionStorage: gone when the tab closes, never put in a URL. */
export const session = {
  token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  save(token: string): void {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  clear(): void {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

function headers(token: string | null, json: boolean): Headers {
  const h = new Headers({ Accept: 'application/json' });
  if (token) h.set('Authorization', `UAT ${token}`);
  if (json) h.set('Content-Type', 'application/json');
  return h;
}

async function send(
  method: string,
  path: string,
  body?: unknown,
  token = session.token(),
): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: headers(token, body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new Error('Could not reach the service. Check your connection and try again.');
  }
  if (!res.ok) {
    let parsed: Record<string, unknown> = {};
    try {
      const value: unknown = await res.json();
      if (value && typeof value === 'object' && !Array.isArray(value))
        parsed = value as Record<string, unknown>;
    } catch {
      parsed = {};
    }
    throw new ApiRefusal(res.status, parsed, res.headers.get('Retry-After'));
  }
  return res;
}

export async function requestJson<T>(
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<T> {
  const res = await send(method, path, body, token ?? session.token());
  return (await res.json()) as T;
}

export const api = {
  me: (token?: string) => requestJson<Me>('GET', '/api/v2/me/', undefined, token),
  workorders: (query: URLSearchParams) => requestJson<Page<Workorder>>('GET', `/api/v2/workorders/?${query}`),
  workorder: (id: number) => requestJson<Workorder>('GET', `/api/v2/workorders/${id}/`),
  equipment: () => requestJson<Page<Equipment>>('GET', '/api/v2/equipment/?limit=1000&ordering=id'),
  substrates: (equipmentId: number) =>
    requestJson<Page<Substrate>>(
      'GET',
      `/api/v2/substrates/?equipment=${equipmentId}&limit=1000&ordering=id`,
    ),
  printerConfirm: (id: number, body: { equipment: number; substrate: number; external_id: string }) =>
    requestJson<Workorder>('PATCH', `/api/v2/workorders/${id}/printer-confirm/`, body),
  printed: (id: number) => requestJson<Workorder>('POST', `/api/v2/workorders/${id}/printed/`),
  cancel: (id: number, reason: string) =>
    requestJson<Workorder>('POST', `/api/v2/workorders/${id}/cancel/`, { reason }),
  invitations: () => requestJson<Page<Partnership>>('GET', '/api/v2/partnerships/?state=invited&limit=100'),
  answerInvitation: (id: number, answer: 'accept' | 'decline') =>
    requestJson<Partnership>('POST', `/api/v2/partnerships/${id}/${answer}/`),
};

function filenameOf(res: Response, fallback: string): string {
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const match = /filename="?([^";]+)"?/i.exec(disposition);
  return match ? match[1] : fallback;
}

/** Downloads a file that needs the token: fetched with the header, saved from a blob. */
export async function downloadWithToken(path: string, fallbackName: string): Promise<string> {
  const res = await send('GET', path);
  const blob = await res.blob();
  const name = filenameOf(res, fallbackName);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}
