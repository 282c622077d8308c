/**
 * Writes the OpenAPI document to dist/openapi.json (what `npm run lint:openapi` lints) and
 * regenerates the client types from it (src/client/schema.d.ts, committed; the portal and
 * brand systems' TypeScript use them with openapi-fetch). `--check` changes nothing and fails
 * when the committed types are not those of the document.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CLIENT_TYPES_PATH, clientTypes, serviceDocument } from './lib/openapi-types';

const ROOT = path.resolve(__dirname, '../..');

async function main(): Promise<void> {
  const doc = serviceDocument();
  const types = await clientTypes(doc);
  const typesPath = path.join(ROOT, CLIENT_TYPES_PATH);
  const current = fs.existsSync(typesPath) ? fs.readFileSync(typesPath, 'utf8') : '';
  if (process.argv.includes('--check')) {
    if (current !== types) {
      console.error(`${CLIENT_TYPES_PATH} is not generated from the current document: run npm run build`);
      process.exit(1);
    }
    return;
  }
  fs.mkdirSync(path.join(ROOT, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'dist/openapi.json'), `${JSON.stringify(doc, null, 2)}\n`);
  if (current !== types) fs.writeFileSync(typesPath, types);
  console.log(`openapi: wrote dist/openapi.json and ${CLIENT_TYPES_PATH}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
