import { z } from 'zod';
import { GENERATOR } from '../version';
import { pathParameterSchema, type RouteSpec } from './route';
import { apiSchemas, errorSchema, fieldErrorsSchema } from './schemas';

type JsonSchema = Record<string, unknown>;

/** A request schema is what a client sends (strings allowed where they coerce); a response, what it gets. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

function queryParameters(query: z.ZodType | undefined): JsonSchema[] {
  if (!(query instanceof z.ZodObject)) return [];
  return Object.entries(query.shape as Record<string, z.ZodType>).map(([name, field]) => ({
    name,
    in: 'query',
    required: !field.safeParse(undefined).success,
    schema: jsonSchema(field),
  }));
}

function pathParameters(path: string): JsonSchema[] {
  return [...path.matchAll(/:(\w+)/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: pathParameterSchema(m[1]),
  }));
}

/** `#/components/schemas/<name>` of a response schema; every JSON answer is a named component. */
function componentRef(route: RouteSpec, status: string, schema: z.ZodType): JsonSchema {
  const id = apiSchemas.get(schema)?.id;
  if (!id)
    throw new Error(`${route.method} ${route.path} ${status}: the response schema is not named (schemas.ts)`);
  return { $ref: `#/components/schemas/${id}` };
}

/** Refusals any route may give besides its own (405, 413, 415, a malformed body...). */
const OTHER_REFUSALS = {
  description: 'Another refusal (a wrong method, media type or size, a malformed body); the body says why.',
  content: {
    'application/json': {
      schema: {
        anyOf: [{ $ref: '#/components/schemas/Error' }, { $ref: '#/components/schemas/FieldErrors' }],
      },
    },
  },
};

function responses(route: RouteSpec): JsonSchema {
  const documented = Object.fromEntries(
    Object.entries(route.responses).map(([status, response]) => {
      const code = Number(status);
      const description = typeof response === 'string' ? response : response.description;
      if (code === 204 || code === 304 || code === 302) return [status, { description }];
      let schema: JsonSchema;
      if (typeof response !== 'string') schema = componentRef(route, status, response.schema);
      else if (code < 300 && route.produces)
        return [status, { description, content: { [route.produces]: {} } }];
      else if (code === 400) schema = componentRef(route, status, fieldErrorsSchema);
      else if (code >= 300) schema = componentRef(route, status, errorSchema);
      else throw new Error(`${route.method} ${route.path} ${status}: a JSON success needs its schema`);
      return [status, { description, content: { 'application/json': { schema } } }];
    }),
  );
  return { ...documented, default: OTHER_REFUSALS };
}

/** The named response schemas as OpenAPI components, referring to each other by `$ref`. */
function componentSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(apiSchemas, {
    io: 'output',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _schema, $id: _id, ...schema }]) => [id, schema]),
  );
}

function operation(route: RouteSpec): JsonSchema {
  const op: JsonSchema = {
    summary: route.summary,
    tags: [route.tag],
    operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    parameters: [...pathParameters(route.path), ...queryParameters(route.query)],
    responses: responses(route),
  };
  if (route.auth === 'token') op.security = [{ UAT: [] }];
  if (route.auth === 'link') op.security = [{ UAT: [] }, { SignedLink: [], SignedLinkExpiry: [] }];
  if (route.auth === 'none') op.security = [];
  if (route.permission) op.description = `Permission: \`${route.permission}\`.`;
  if (route.body) {
    const schema = jsonSchema(route.body);
    const content: JsonSchema = { 'application/json': { schema } };
    if (route.multipart) {
      content['multipart/form-data'] = {
        schema: {
          ...schema,
          properties: { ...(schema.properties as object), image: { type: 'string', format: 'binary' } },
        },
      };
    }
    op.requestBody = {
      required: route.method === 'post' && route.body.safeParse({}).success === false,
      content,
    };
  }
  return op;
}

/** The OpenAPI 3.1 document of the routes, from the same zod schemas the handlers validate with. */
export function openApiDocument(routes: RouteSpec[], publicUrl: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    (paths[path] ??= {})[route.method] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Workorder service API',
      version: GENERATOR.version,
      description:
        'Serialized QR code workorders (Scantrust-compatible /api/v2). Numbers and booleans may be sent as strings. ' +
        'Create endpoints accept an `Idempotency-Key` header.',
    },
    servers: [{ url: publicUrl }],
    paths,
    components: {
      securitySchemes: {
        UAT: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'The header value is `UAT <token>`.',
        },
        SignedLink: { type: 'apiKey', in: 'query', name: 'signature', description: 'From `codegen_file`.' },
        SignedLinkExpiry: {
          type: 'apiKey',
          in: 'query',
          name: 'expires',
          description: 'From `codegen_file`.',
        },
      },
      schemas: componentSchemas(),
    },
  };
}
