import {
  InvalidField,
  InvalidState,
  TRY_AGAIN_SHORTLY,
  UnknownReference,
  WorkflowUnavailable,
} from '../workorders/errors';

/** An answer the API gives on purpose, in the shape of docs/product.md (HTTP conventions). */
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
export const unavailable = (detail = TRY_AGAIN_SHORTLY, retryAfter = 5) =>
  new ApiError(503, { detail, code: 'unavailable' }, { 'Retry-After': String(retryAfter) });

export const invalidPk = (value: unknown) =>
  `Invalid pk "${typeof value === 'string' || typeof value === 'number' ? String(value) : typeof value}" - object does not exist.`;

/** The answer to an ApiError or a domain refusal; undefined for anything else (a fault). */
export function answerOf(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err instanceof UnknownReference) return fieldError(err.field, invalidPk(err.value));
  if (err instanceof InvalidField) return fieldError(err.field, err.message);
  if (err instanceof InvalidState) return invalidState(err.message);
  if (err instanceof WorkflowUnavailable) return unavailable(err.message, err.retryAfterSeconds);
  return undefined;
}
