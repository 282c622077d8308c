/**
 * The OpenAPI document describes exactly the routes Express serves: both come from the one route
 * table, and this shows it (a route mounted outside the table would fail here).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { createApp } from '../../../src/api/app';
import type { ApiDeps } from '../../../src/api/context';
import { openApiDocument } from '../../../src/api/openapi';
import { z } from 'zod';
import type { RouteSpec } from '../../../src/api/route';
import { ROUTES } from '../../../src/api/route-table';
import { named } from '../../../src/api/schemas';
import { loadConfig } from '../../../src/config';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string;
}

function servedRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) {
          if (method !== '_all') found.push(`${method} ${prefix}${layer.route.path}`);
        }
      } else if (layer.handle?.stack) {
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        walk(layer.handle.stack, prefix + mount);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return found.sort();
}

function buildApp(): Express {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  // Only the routes are inspected: no request reaches these dependencies.
  const unused = new Proxy({}, { get: () => () => undefined });
  return createApp({
    config,
    repos: unused,
    gateway: unused,
    links: unused,
    webhookSecrets: unused,
    permutation: unused,
    artifacts: unused,
  } as unknown as ApiDeps);
}

describe('the API reference', () => {
  test('documents every route Express serves, and only those', () => {
    const documented = ROUTES.map((r) => `${r.method} ${r.path}`).sort();
    expect(servedRoutes(buildApp())).toEqual(documented);
  });

  test('is an OpenAPI 3.1 document whose operations all have responses and security', () => {
    const doc = openApiDocument(ROUTES, 'https://api.example.com') as {
      openapi: string;
      paths: Record<string, Record<string, { responses: object; security: unknown[]; operationId: string }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const ids = new Set<string>();
    for (const [p, ops] of Object.entries(doc.paths)) {
      expect(p).not.toContain(':');
      for (const op of Object.values(ops)) {
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
        expect(Array.isArray(op.security)).toBe(true);
        ids.add(op.operationId);
      }
    }
    expect(ids.size).toBe(ROUTES.length);
  });

  test('request schemas come from the validating zod schemas', () => {
    const doc = openApiDocument(ROUTES, 'https://api.example.com') as {
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: {
              content: Record<
                string,
                { schema: { properties: Record<string, unknown>; required?: string[] } }
              >;
            };
          }
        >
      >;
    };
    const create =
      doc.paths['/api/v2/workorders/create-from-template/'].post.requestBody?.content['application/json']
        .schema;
    expect(Object.keys(create?.properties ?? {})).toEqual(
      expect.arrayContaining([
        'template',
        'quantity',
        'reference',
        'printing_partner',
        'product',
        'due_date',
      ]),
    );
    expect(create?.required).toEqual(expect.arrayContaining(['template', 'quantity']));
    const confirm =
      doc.paths['/api/v2/workorders/{id}/printer-confirm/'].patch.requestBody?.content['application/json']
        .schema;
    expect(confirm?.required).toEqual(expect.arrayContaining(['equipment', 'substrate']));
  });

  test('no path is taken by an earlier path with a parameter (Express matches in table order)', () => {
    const pattern = (path: string) => new RegExp(`^${path.replace(/:\w+/g, '[^/]+')}$`);
    const shadowed = ROUTES.flatMap((later, i) =>
      ROUTES.slice(0, i)
        .filter((earlier) => earlier.path !== later.path && pattern(earlier.path).test(later.path))
        .map((earlier) => `${later.path} is taken by ${earlier.path}`),
    );
    expect(shadowed).toEqual([]);
  });

  test('a response schema given by a route is a named component, documented as its JSON body', () => {
    const example = named('Example', z.object({ id: z.int() }));
    const route: RouteSpec = {
      method: 'get',
      path: '/api/v2/example/:id/',
      summary: 'Example',
      tag: 'Me',
      auth: 'token',
      responses: { 200: { description: 'The example.', schema: example }, 404: 'Not found.' },
      handle: () => undefined,
    };
    const doc = openApiDocument([route], 'https://api.example.com') as {
      paths: Record<string, { get: { responses: Record<string, unknown> } }>;
      components: { schemas: Record<string, unknown> };
    };
    const responses = doc.paths['/api/v2/example/{id}/'].get.responses;
    expect(responses[200]).toEqual({
      description: 'The example.',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Example' } } },
    });
    expect(responses[404]).toEqual({
      description: 'Not found.',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    });
    expect(doc.components.schemas.Example).toEqual({
      type: 'object',
      properties: { id: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 } },
      required: ['id'],
      additionalProperties: false,
    });
  });

  test('a JSON success without a named schema is refused when the document is written', () => {
    const route = (schema?: z.ZodType): RouteSpec => ({
      method: 'get',
      path: '/api/v2/example/',
      summary: 'Example',
      tag: 'Me',
      auth: 'token',
      responses: { 200: schema ? { description: 'Ok.', schema } : 'Ok.' },
      handle: () => undefined,
    });
    expect(() => openApiDocument([route()], 'https://api.example.com')).toThrow(/needs its schema/);
    expect(() => openApiDocument([route(z.object({}))], 'https://api.example.com')).toThrow(/not named/);
  });

  test('every success body of the table is a component, and every component is an object schema', () => {
    const doc = openApiDocument(ROUTES, 'https://api.example.com') as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: object }> }>>;
      components: { schemas: Record<string, { type?: string; $id?: string; $schema?: string }> };
    };
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops)) {
        for (const [status, response] of Object.entries(op.responses)) {
          const json = (response.content as Record<string, { schema: unknown }> | undefined)?.[
            'application/json'
          ];
          if (json && status !== 'default') {
            expect(json.schema).toEqual({ $ref: expect.stringMatching(/^#\/components\/schemas\/\w+$/) });
          }
        }
      }
    }
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      expect([name, schema.$id, schema.$schema]).toEqual([name, undefined, undefined]);
    }
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Workorder', 'WorkorderPage', 'Product', 'Code', 'Partnership', 'Me']),
    );
    const workorder = doc.components.schemas.Workorder as { description?: string };
    expect(workorder.description).toMatch(/The workorder object/);
  });
});
