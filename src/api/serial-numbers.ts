import { Readable } from 'node:stream';
import { serialNumbersFromSettings } from '../codes/serial-numbers';
import { serialNumbersKey } from '../storage/artifacts';
import type { WorkorderRow } from '../store/schema';
import type { ApiDeps } from './context';
import { notFound } from './errors';
import { workorderInput } from '../workorders/workflow-input';

/**
 * The key of a generated workorder's serial-numbers CSV. The worker writes it with the zip; a zip
 * assembled before that gets it made here once, then kept (two first requests at once both write
 * the same bytes, and a put replaces whole objects).
 */
export async function serialNumbersArtifact(deps: ApiDeps, row: WorkorderRow): Promise<string> {
  const key = serialNumbersKey(row.id);
  if (await deps.artifacts.head(key)) return key;
  const company = await deps.repos.companies.byId(row.company_id);
  if (!company) throw notFound();
  const code = workorderInput(row, company, deps.config).code;
  await deps.artifacts.put(
    key,
    Readable.from(serialNumbersFromSettings(deps.permutation, code, row.quantity)),
  );
  return key;
}
