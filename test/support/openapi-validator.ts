/**
 * Checks an answer against the service's OpenAPI document: the operation's schema for the status
 * (or its `default`), by JSON Schema 2020-12. The integration suite runs every answer it gets
 * through it (api-client.ts), so a serializer and its documented schema cannot drift apart.
 *
 * Ajv 8 (a devDependency; eslint keeps its own Ajv 6) validates, with its JSON Schema 2020-12 build.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';

type Json = Record<string, unknown>;

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

export interface Answer {
  method: string;
  /** Absolute URL or path, with or without a query. */
  url: string;
  status: number;
  contentType: string | null;
  text: string;
}

const DOC_ID = 'https://workorder-service.invalid/openapi.json';

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

export class OpenApiValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  private readonly operations: Array<{
    pattern: RegExp;
    template: string;
    methods: Record<string, Operation>;
  }>;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(doc: Json) {
    this.ajv.addSchema({ ...doc, $id: DOC_ID });
    const paths = doc.paths as Record<string, Record<string, Operation>>;
    this.operations = Object.entries(paths).map(([template, methods]) => ({
      template,
      methods,
      // Express matches with or without the trailing slash.
      pattern: new RegExp(
        `^${template
          .replace(/\/$/, '')
          .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
          .replace(/\{\w+\}/g, '[^/]+')}/?$`,
      ),
    }));
  }

  /** What is wrong with the answer, or undefined when the document describes it. */
  problem(answer: Answer): string | undefined {
    const method = answer.method.toLowerCase();
    if (method === 'head') return undefined;
    const pathname = new URL(answer.url, 'http://localhost').pathname;
    const operation = this.operations.find((o) => o.pattern.test(pathname));
    const op = operation?.methods[method];
    // Unknown paths and methods answer like any refusal.
    const pointer =
      operation && op
        ? this.responsePointer(operation.template, method, op, answer.status)
        : answer.status >= 400
          ? '/components/schemas/Error'
          : undefined;
    const where = `${answer.method} ${pathname} → ${answer.status}`;
    if (pointer === undefined) return `${where}: no such answer in the document`;
    if (pointer === null) return undefined; // not JSON (a zip, a CSV, a redirect...)
    if (!(answer.contentType ?? '').includes('application/json')) {
      return `${where}: documented as JSON, sent as ${answer.contentType ?? 'nothing'}`;
    }
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      return `${where}: not JSON: ${answer.text.slice(0, 200)}`;
    }
    const validate = this.validator(pointer);
    if (validate(body)) return undefined;
    return `${where}: ${this.ajv.errorsText(validate.errors, { separator: '; ' })} in ${answer.text.slice(0, 300)}`;
  }

  /** Throws when the document does not describe the answer. */
  check(answer: Answer): void {
    const problem = this.problem(answer);
    if (problem) throw new Error(`The answer does not match the OpenAPI document: ${problem}`);
  }

  /** The JSON pointer of the answer's schema; null when its body is not JSON; undefined when undocumented. */
  private responsePointer(template: string, method: string, op: Operation, status: number) {
    // `default` holds refusals only: an undocumented success is a drift.
    const key = String(status) in op.responses ? String(status) : status >= 400 ? 'default' : undefined;
    if (key === undefined) return undefined;
    const response = op.responses[key];
    if (!response) return undefined;
    if (!response.content?.['application/json']) return null;
    return ['', 'paths', template, method, 'responses', key, 'content', 'application/json', 'schema']
      .map(escapePointer)
      .join('/');
  }

  private validator(pointer: string): ValidateFunction {
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${DOC_ID}#${pointer}` });
      this.compiled.set(pointer, validate);
    }
    return validate;
  }
}

const validators = new Map<string, Promise<OpenApiValidator>>();

/** The validator of the document the service at `baseUrl` serves, fetched once. */
export function validatorFor(baseUrl: string): Promise<OpenApiValidator> {
  let validator = validators.get(baseUrl);
  if (!validator) {
    validator = fetch(`${baseUrl}/api/schema/`)
      .then((res) => res.json() as Promise<Json>)
      .then((doc) => new OpenApiValidator(doc));
    validators.set(baseUrl, validator);
    validator.catch(() => validators.delete(baseUrl));
  }
  return validator;
}
