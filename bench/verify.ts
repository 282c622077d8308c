/**
 * Bulk code lookup: POST /api/v2/codes/verify/ with 10,000 IDs of one workorder, from a few
 * closed-loop clients against the one API process (docs/product.md, Code status).
 */
import type { Stack } from '../test/support/stack';
import { loadInChild } from './api-load';
import { median } from './stats';
import { workorderEndToEnd, type Auth } from './workorders';

const IDS_PER_REQUEST = 10_000;
const CLIENTS = 4;

export interface VerifyFigures {
  idsPerRequest: number;
  clients: number;
  idsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export async function verifyLoad(
  stack: Stack,
  auth: Auth,
  seconds: number,
  runs: number,
): Promise<VerifyFigures> {
  const { id } = await workorderEndToEnd(stack, auth, IDS_PER_REQUEST);
  const headers = { Authorization: `UAT ${auth.token}`, 'Content-Type': 'application/json' };
  const csv = await fetch(`${stack.baseUrl}/api/v2/workorders/${id}/serial-numbers/`, { headers });
  const extendedIds = (await csv.text())
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',')[1]);
  const figures = await loadInChild({
    url: `${stack.baseUrl}/api/v2/codes/verify/`,
    method: 'POST',
    headers,
    body: JSON.stringify({ extended_ids: extendedIds }),
    okStatus: 200,
    clients: CLIENTS,
    seconds,
    warmUpSeconds: 1,
    runs,
  });
  return {
    idsPerRequest: extendedIds.length,
    clients: CLIENTS,
    idsPerSecond: median(figures.map((f) => f.perSecond)) * extendedIds.length,
    p50Ms: median(figures.map((f) => f.p50Ms)),
    p99Ms: median(figures.map((f) => f.p99Ms)),
    errors: Math.max(...figures.map((f) => f.errors)),
  };
}
