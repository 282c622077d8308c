/**
 * Writes the OpenAPI document to dist/openapi.json (what `npm run lint:openapi` lints) and
 * regenerates the client types from it with openapi-typescript (src/client/schema.d.ts, committed;
 * the portal and brand systems' TypeScript use them with openapi-fetch). The generator runs as its
 * CLI: it is an ES module, which `require` loads only on newer Node versions.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openApiDocument } from '../src/api/openapi';
import { ROUTES } from '../src/api/route-table';

const ROOT = path.resolve(__dirname, '../..');
const DIST = path.join(ROOT, 'dist');

function main(): void {
  fs.mkdirSync(DIST, { recursive: true });
  const doc = openApiDocument(ROUTES, 'http://localhost:8080');
  fs.writeFileSync(path.join(DIST, 'openapi.json'), `${JSON.stringify(doc, null, 2)}\n`);
  const cli = path.join(ROOT, 'node_modules/openapi-typescript/bin/cli.js');
  // From dist/, so the CLI does not take the project's redocly.yaml (lint rules) as its config.
  execFileSync(process.execPath, [cli, 'openapi.json', '-o', path.join(ROOT, 'src/client/schema.d.ts')], {
    cwd: DIST,
    stdio: 'pipe',
  });
  console.log('openapi: wrote dist/openapi.json and src/client/schema.d.ts');
}

main();
