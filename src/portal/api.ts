/**
 * The portal's only way to the service: same-origin fetches with `Authorization: UAT <token>`,
 * through openapi-fetch typed by the client types generated from the API's OpenAPI document
 * (src/client/schema.d.ts), so a path, a parameter or a field the API does not have fails typecheck.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, operations, paths } from '../client/schema';

export type Schemas = components['schemas'];
export type Workorder = Schemas['Workorder'];
export type Equipment = Schemas['Equipment'];
export type Substrate = Schemas['CalibratedSubstrate'];
export type Me = Schemas['Me'];
export type Partnership = Schemas['Partnership'];
export type WorkorderQuery = NonNullable<operations['getApiV2Workorders']['parameters']['query']>;

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

/** A request's outcome as openapi-fetch gives it: the typed body, or the refusal's. */
interface Outcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The body of an answer, or an ApiRefusal for a refusal (and a plain Error when unreachable). */
export async function answer<T>(request: Promise<Outcome<T>>): Promise<T> {
  let outcome: Outcome<T>;
  try {
    outcome = await request;
  } catch {
    throw new Error('Could not reach the service. Check your connection and try again.');
  }
  const { data, error, response } = outcome;
  if (!response.ok || data === undefined) throw refusal(response, error);
  return data;
}

export function refusal(response: Response, error: unknown): ApiRefusal {
  const body =
    error && typeof error === 'object' && !Array.isArray(error) ? (error as Record<string, unknown>) : {};
  return new ApiRefusal(response.status, body, response.headers.get('Retry-After'));
}

/** Adds the session's token (or the one being signed in with) to every request. */
function authorization(token: () => string | null): Middleware {
  return {
    onRequest({ request }) {
      const value = token();
      if (value) request.headers.set('Authorization', `UAT ${value}`);
      request.headers.set('Accept', 'application/json');
      return request;
    },
  };
}

function clientFor(token: () => string | null) {
  const client = createClient<paths>({ cache: 'no-store', credentials: 'omit' });
  client.use(authorization(token));
  return client;
}

export const client = clientFor(() => session.token());
const byId = (id: number) => ({ params: { path: { id } } });

export const api = {
  me: (token?: string) => answer((token ? clientFor(() => token) : client).GET('/api/v2/me/')),
  workorders: (query: WorkorderQuery) => answer(client.GET('/api/v2/workorders/', { params: { query } })),
  workorder: (id: number) => answer(client.GET('/api/v2/workorders/{id}/', byId(id))),
  equipment: () =>
    answer(client.GET('/api/v2/equipment/', { params: { query: { limit: 1000, ordering: 'id' } } })),
  /** With `equipment` the list holds only calibrated substrates, each with its calibration. */
  substrates: async (equipmentId: number) => {
    const page = await answer(
      client.GET('/api/v2/substrates/', {
        params: { query: { equipment: equipmentId, limit: 1000, ordering: 'id' } },
      }),
    );
    return { ...page, results: page.results.filter((s): s is Substrate => 'calibration' in s) };
  },
  printerConfirm: (id: number, body: { equipment: number; substrate: number; external_id: string }) =>
    answer(client.PATCH('/api/v2/workorders/{id}/printer-confirm/', { ...byId(id), body })),
  archive: (id: number) => answer(client.POST('/api/v2/workorders/{id}/archive/', byId(id))),
  printed: (id: number) => answer(client.POST('/api/v2/workorders/{id}/printed/', byId(id))),
  cancel: (id: number, reason: string) =>
    answer(client.POST('/api/v2/workorders/{id}/cancel/', { ...byId(id), body: { reason } })),
  invitations: () =>
    answer(client.GET('/api/v2/partnerships/', { params: { query: { state: 'invited', limit: 100 } } })),
  answerInvitation: (id: number, verdict: 'accept' | 'decline') =>
    answer(
      verdict === 'accept'
        ? client.POST('/api/v2/partnerships/{id}/accept/', byId(id))
        : client.POST('/api/v2/partnerships/{id}/decline/', byId(id)),
    ),
  /** A file that needs the token, as a blob (`parseAs: 'blob'`), with the answer's headers. */
  serialNumbers: (id: number) =>
    client.GET('/api/v2/workorders/{id}/serial-numbers/', { ...byId(id), parseAs: 'blob' }),
  /** The offline code generator, one JavaScript file (docs/generator.md). */
  generator: () => client.GET('/api/v2/generator/', { parseAs: 'blob' }),
};

function filenameOf(res: Response, fallback: string): string {
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const match = /filename="?([^";]+)"?/i.exec(disposition);
  return match ? match[1] : fallback;
}

/** Saves a file that needs the token: fetched with the header, saved from a blob under its name. */
export async function saveBlob(
  request: Promise<{ data?: Blob; error?: unknown; response: Response }>,
  fallbackName: string,
): Promise<string> {
  const {
    data: blob,
    error,
    response,
  } = await request.catch(() => {
    throw new Error('Could not reach the service. Check your connection and try again.');
  });
  if (!response.ok || !blob) throw refusal(response, error);
  const name = filenameOf(response, fallbackName);
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

/** Downloads the serial numbers CSV. */
export function downloadSerialNumbers(id: number): Promise<string> {
  return saveBlob(api.serialNumbers(id), `workorder-${id}-serial-numbers.csv`);
}

/** Downloads the offline code generator. */
export function downloadGenerator(): Promise<string> {
  return saveBlob(api.generator(), 'workorder-generator.js');
}
