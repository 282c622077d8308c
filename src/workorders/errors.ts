/**
 * What creating or changing a workorder refuses, in the domain's words. The API answers each with
 * the status of docs/product.md (HTTP conventions); the operator CLI prints the message.
 */

/** A field of the order names no object the caller may use (an unknown template or printing partner). */
export class UnknownReference extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
  ) {
    super(`${field}: no such object`);
  }
}

/** A field of the order breaks a rule: a taken reference, an unknown product, an SSC without partner. */
export class InvalidField extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The workorder's state refuses the change (the workflow's Update validator, or a closed workflow). */
export class InvalidState extends Error {}

/** The words for any passing unavailability (Temporal here, the database in the API). */
export const TRY_AGAIN_SHORTLY = 'The service is temporarily unavailable. Try again shortly.';

/** Temporal could not be reached or could not take the workflow; nothing changed, so a retry is safe. */
export class WorkflowUnavailable extends Error {
  constructor(
    message = TRY_AGAIN_SHORTLY,
    readonly retryAfterSeconds = 5,
  ) {
    super(message);
  }
}

/** The workflow id is held by an earlier, closed workflow (a database restored behind Temporal). */
export class WorkflowIdReused extends Error {}
