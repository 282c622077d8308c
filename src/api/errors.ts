/** An answer the API gives on purpose, in the contract's shape (CONTRACT §3). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body.detail === 'string' ? body.detail : `HTTP ${status}`);
  }
}

export type FieldErrors = Record<string, string[]>;

export const notFound = () => new ApiError(404, { detail: 'Not found.' });
export const fieldErrors = (errors: FieldErrors) => new ApiError(400, errors);
export const fieldError = (field: string, message: string) => fieldErrors({ [field]: [message] });
export const invalidState = (detail: string) => new ApiError(409, { detail, code: 'invalid_state' });
export const forbidden = (detail = 'You do not have permission to perform this action.') =>
  new ApiError(403, { detail });
export const unavailable = (
  detail = 'The service is temporarily unavailable. Try again shortly.',
  retryAfter = 5,
) => new ApiError(503, { detail, code: 'unavailable' }, { 'Retry-After': String(retryAfter) });

export const invalidPk = (value: unknown) =>
  `Invalid pk "${typeof value === 'string' || typeof value === 'number' ? String(value) : typeof value}" - object does not exist.`;
