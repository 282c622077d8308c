/**
 * The validator the integration suite checks every answer with: it takes what the document
 * describes and refuses a missing field, an extra one, a wrong type and an undocumented success.
 */
import { openApiDocument } from '../../../src/api/openapi';
import { ROUTES } from '../../../src/api/route-table';
import { OpenApiValidator } from '../../support/openapi-validator';

const validator = new OpenApiValidator(openApiDocument(ROUTES, 'https://api.example.com'));
const json = 'application/json; charset=utf-8';
const me = {
  company: {
    id: 1,
    uuid: 'u',
    name: 'Brand',
    slug: 'brand',
    company_type: 'brand_owner',
    country: 'CH',
    city: 'Zurich',
    website: '',
    creation_date: '2026-01-01T00:00:00.000Z',
  },
  permissions: ['workorder_view'],
  expires: null,
  token: { prefix: 'abcd', creation_date: '2026-01-01T00:00:00.000Z' },
};
const answer = (status: number, body: unknown, url = '/api/v2/me/', method = 'GET') => ({
  method,
  url,
  status,
  contentType: json,
  text: JSON.stringify(body),
});

describe('the OpenAPI validator of the test suite', () => {
  test('a body as documented passes', () => {
    expect(validator.problem(answer(200, me))).toBeUndefined();
    expect(validator.problem(answer(401, { detail: 'Invalid token.' }))).toBeUndefined();
  });

  test('a missing field, an extra field and a wrong type are drifts', () => {
    const { expires: _expires, ...missing } = me;
    expect(validator.problem(answer(200, missing))).toMatch(/expires/);
    expect(validator.problem(answer(200, { ...me, secret: 'x' }))).toMatch(/additional/);
    expect(validator.problem(answer(200, { ...me, permissions: ['root'] }))).toMatch(/permissions/);
  });

  test('an undocumented success is a drift; an undocumented refusal is held to the default', () => {
    expect(validator.problem(answer(201, me))).toMatch(/no such answer/);
    expect(validator.problem(answer(415, { detail: 'Unsupported media type.' }))).toBeUndefined();
    expect(validator.problem(answer(415, ['x']))).toBeDefined();
  });

  test('path parameters, queries and absolute URLs find their operation', () => {
    const url = 'http://127.0.0.1:1234/api/v2/workorders/12/?x=1';
    expect(validator.problem(answer(404, { detail: 'Not found.' }, url))).toBeUndefined();
    expect(validator.problem(answer(200, { detail: 'Not found.' }, url))).toMatch(/required/);
  });

  test('non-JSON answers are not parsed; a JSON answer sent as text is a drift', () => {
    const zip = { ...answer(200, ''), url: '/api/v2/workorders/1/download/', contentType: 'application/zip' };
    expect(validator.problem(zip)).toBeUndefined();
    expect(validator.problem({ ...answer(200, me), contentType: 'text/html' })).toMatch(/sent as text\/html/);
  });
});
