import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { openApiDocument } from '../../src/api/openapi';
import { ROUTES } from '../../src/api/route-table';

/** The committed client types (src/client/schema.d.ts), generated from the OpenAPI document. */
export const CLIENT_TYPES_PATH = 'src/client/schema.d.ts';

/** The OpenAPI document as `/api/schema/` serves it, for a service at `publicUrl`. */
export function serviceDocument(publicUrl = 'http://localhost:8080'): Record<string, unknown> {
  return openApiDocument(ROUTES, publicUrl);
}

/** The TypeScript types openapi-typescript writes for the document (`paths`, `components`...). */
export async function clientTypes(doc: Record<string, unknown> = serviceDocument()): Promise<string> {
  const ast = await openapiTS(doc as unknown as Parameters<typeof openapiTS>[0]);
  return COMMENT_HEADER + astToString(ast);
}
