import { existsSync } from 'node:fs';
import path from 'node:path';
import { AUTH_ERRORS, type RouteSpec } from '../route';
import { unavailable } from '../errors';

/** Where the build puts the bundle (scripts/build-generator.ts): beside dist/src, or from src under tests. */
function generatorFile(): string | null {
  const candidates = [
    path.resolve(__dirname, '../../../generator/workorder-generator.js'),
    path.resolve(__dirname, '../../../dist/generator/workorder-generator.js'),
  ];
  return candidates.find((file) => existsSync(file)) ?? null;
}

/** The offline code generator as one file for Node 20+ (docs/generator.md); any valid token. */
export const generatorRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/api/v2/generator/',
    summary: 'The offline code generator: one file, run with Node 20+ on a workorder zip',
    tag: 'Codes',
    auth: 'token',
    produces: 'text/javascript',
    responses: {
      200: 'workorder-generator.js: `node workorder-generator.js workorder-<id>.zip --out codes/`.',
      ...AUTH_ERRORS,
      503: 'The generator is not built on this server.',
    },
    async handle({ res }) {
      const file = generatorFile();
      if (!file) throw unavailable('The generator is not built on this server.', 3600);
      res.setHeader('Content-Disposition', 'attachment; filename="workorder-generator.js"');
      res.setHeader('Cache-Control', 'private, max-age=300');
      await new Promise<void>((resolve, reject) =>
        res.sendFile(file, { headers: { 'Content-Type': 'text/javascript; charset=utf-8' } }, (error) =>
          error ? reject(error) : resolve(),
        ),
      );
    },
  },
];
