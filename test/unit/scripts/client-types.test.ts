/**
 * The committed client types are those openapi-typescript writes for the document the API serves:
 * a route or schema change without `npm run build` (which regenerates them) fails here. The
 * generator runs as its CLI in a child process (it is an ES module Jest cannot load).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openApiDocument } from '../../../src/api/openapi';
import { ROUTES } from '../../../src/api/route-table';

const ROOT = path.join(__dirname, '../../..');

test('src/client/schema.d.ts is generated from the current OpenAPI document', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-types-'));
  try {
    fs.writeFileSync(path.join(dir, 'openapi.json'), JSON.stringify(openApiDocument(ROUTES, 'http://x')));
    const cli = path.join(ROOT, 'node_modules/openapi-typescript/bin/cli.js');
    execFileSync(process.execPath, [cli, 'openapi.json', '-o', 'schema.d.ts'], { cwd: dir, stdio: 'pipe' });
    const generated = fs.readFileSync(path.join(dir, 'schema.d.ts'), 'utf8');
    const committed = fs.readFileSync(path.join(ROOT, 'src/client/schema.d.ts'), 'utf8');
    expect(generated === committed).toBe(true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
