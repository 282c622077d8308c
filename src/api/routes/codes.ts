import { z } from 'zod';
import {
  countChanged,
  rangesOfSequences,
  type ActivationStatus,
  type StatusRange,
} from '../../codes/status-ranges';
import { batchBounds, batchCount } from '../../shared/workorder';
import { workorderStatuses } from '../../codes/activation';
import { codeAnswers, codeSchema, locateCodes, type LocatedCode, type Lookup } from '../code-lookup';
import { ApiError, fieldError, fieldErrors, invalidPk, invalidState } from '../errors';
import { AUTH_ERRORS, OBJECT_ERRORS, type RouteSpec } from '../route';
import { countField, errorSchema, fieldErrorsSchema, named } from '../schemas';
import { id, integer, parseBody } from '../validation';

/** The most IDs one request may list: a verify or a status change by IDs. */
export const MAX_LISTED_IDS = 10_000;

const extendedIdList = z
  .array(z.string({ error: 'Not a valid string.' }), { error: 'Expected a list of items.' })
  .min(1, { error: 'This list may not be empty.' })
  .max(MAX_LISTED_IDS, { error: `Ensure this field has no more than ${MAX_LISTED_IDS} elements.` });

const verifyBody = z.object({ extended_ids: extendedIdList });

const statusBody = z.object({
  activation_status: integer(0, 2),
  workorder: id(),
  batch: integer(1, Number.MAX_SAFE_INTEGER).optional(),
  from: integer(1, Number.MAX_SAFE_INTEGER).optional(),
  to: integer(1, Number.MAX_SAFE_INTEGER).optional(),
  extended_ids: extendedIdList.optional(),
});
type StatusBody = z.output<typeof statusBody>;

const statusChangeSchema = named('CodeStatusChange', z.object({ changed: countField() }));

export const verifyResultsSchema = named(
  'CodeVerifyResults',
  z.object({ results: z.array(z.union([codeSchema, fieldErrorsSchema, errorSchema])) }),
  'One result per ID, in order: the code, or the body of its 400 (`extended_id` messages) or 404.',
);

/** Codes, decoded from their extended IDs (docs/product.md, Code status). */
export const codeRoutes: RouteSpec[] = [
  {
    method: 'post',
    path: '/api/v2/codes/status/',
    summary: 'Set the activation status of a workorder’s codes (all, a batch, a range or listed IDs)',
    tag: 'Codes',
    auth: 'token',
    permission: 'workorder_edit',
    caller: { companyType: 'brand_owner', refusal: 'Only brand owners can change code statuses.' },
    body: statusBody,
    responses: {
      200: { description: 'How many codes changed status.', schema: statusChangeSchema },
      400: 'Invalid fields: an unknown or another company’s workorder, a range outside it, a bad ID.',
      409: 'The workorder is canceled; its codes are void.',
      ...AUTH_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      const body = parseBody(statusBody, req.body);
      const selectors = [body.batch, body.from ?? body.to, body.extended_ids].filter((s) => s !== undefined);
      if (selectors.length > 1) {
        throw fieldError('non_field_errors', 'Give at most one of batch, from/to and extended_ids.');
      }
      const workorder = await deps.repos.workorders.byId(body.workorder);
      if (!workorder || workorder.company_id !== auth.company.id) {
        throw fieldError('workorder', invalidPk(body.workorder));
      }
      if (workorder.state === 'canceled')
        throw invalidState('The workorder is canceled; its codes are void.');
      const status = body.activation_status as ActivationStatus;
      const ranges = body.extended_ids
        ? listedRanges(await locateCodes(deps, auth, body.extended_ids), workorder.id, status)
        : [selectedRange(body, workorder.quantity, status)];
      const current = workorderStatuses(
        workorder,
        (await deps.repos.codeStatus.changesOf([workorder.id])).get(workorder.id) ?? [],
      );
      const changed = ranges.reduce((sum, range) => sum + countChanged(current, range), 0);
      await deps.repos.codeStatus.record(workorder.id, ranges);
      res.json({ changed });
    },
  },
  {
    method: 'post',
    path: '/api/v2/codes/verify/',
    summary: `Look up to ${MAX_LISTED_IDS} codes at once`,
    tag: 'Codes',
    auth: 'token',
    permission: 'workorder_view',
    body: verifyBody,
    responses: {
      200: {
        description: 'One result per ID, in order: the code, or the body of its 400 or 404.',
        schema: verifyResultsSchema,
      },
      400: 'No list, an empty one or one too long.',
      ...AUTH_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      const body = parseBody(verifyBody, req.body);
      res.json({ results: await codeAnswers(deps, await locateCodes(deps, auth, body.extended_ids)) });
    },
  },
  {
    method: 'get',
    path: '/api/v2/codes/:extended_id/',
    summary: 'One code: its workorder, sequence, serial number, product and activation status',
    tag: 'Codes',
    auth: 'token',
    permission: 'workorder_view',
    responses: {
      200: { description: 'The code.', schema: codeSchema },
      400: 'A malformed ID or a wrong check character.',
      ...OBJECT_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      const lookups = await locateCodes(deps, auth, [String(req.params.extended_id)]);
      if ('status' in lookups[0]) throw new ApiError(lookups[0].status, lookups[0].body);
      const [code] = await codeAnswers(deps, lookups);
      res.json(code);
    },
  },
];

/** The one range the body selects: the whole workorder, a batch, or from..to. */
function selectedRange(body: StatusBody, quantity: number, status: ActivationStatus): StatusRange {
  if (body.batch !== undefined) {
    if (body.batch > batchCount(quantity)) {
      throw fieldError('batch', `Ensure this value is less than or equal to ${batchCount(quantity)}.`);
    }
    const { firstSequence, count } = batchBounds(quantity, body.batch);
    return { first: firstSequence, last: firstSequence + count - 1, status };
  }
  if (body.from === undefined && body.to === undefined) return { first: 1, last: quantity, status };
  const errors: Record<string, string[]> = {};
  if (body.from === undefined) errors.from = ['This field is required.'];
  if (body.to === undefined) errors.to = ['This field is required.'];
  if (body.to !== undefined && body.to > quantity) {
    errors.to = [`Ensure this value is less than or equal to ${quantity}.`];
  }
  if (body.from !== undefined && body.to !== undefined && body.from > body.to) {
    errors.to = ['Ensure this value is greater than or equal to from.'];
  }
  if (Object.keys(errors).length > 0) throw fieldErrors(errors);
  return { first: body.from as number, last: body.to as number, status };
}

/** Listed IDs as ranges of consecutive sequences; each must be a code of this workorder. */
function listedRanges(
  lookups: readonly Lookup[],
  workorderId: number,
  status: ActivationStatus,
): StatusRange[] {
  const errors: Record<string, string[]> = {};
  const sequences: number[] = [];
  lookups.forEach((lookup, i) => {
    if ('status' in lookup && lookup.status === 400) errors[i] = lookup.body.extended_id as string[];
    else if (!('workorder' in lookup) || lookup.workorder.id !== workorderId) {
      errors[i] = ['Not a code of this workorder.'];
    } else sequences.push((lookup as LocatedCode).sequence);
  });
  if (Object.keys(errors).length > 0) throw new ApiError(400, { extended_ids: errors });
  return rangesOfSequences(sequences, status);
}
