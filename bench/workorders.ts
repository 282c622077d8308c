/** Workorders through the API end to end, and what they leave in Temporal's history. */
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { workflowIdFor } from '../src/shared/workorder';
import type { Workorder } from '../test/support/api-client';
import type { Stack } from '../test/support/stack';

export interface Auth {
  token: string;
  templateId: number;
}

export async function api(
  stack: Stack,
  auth: Auth,
  method: string,
  urlPath: string,
  json?: unknown,
): Promise<{ status: number; body: Workorder }> {
  const res = await fetch(`${stack.baseUrl}${urlPath}`, {
    method,
    headers: { Authorization: `UAT ${auth.token}`, 'Content-Type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Workorder };
}

export function createWorkorder(stack: Stack, auth: Auth, quantity: number) {
  return api(stack, auth, 'POST', '/api/v2/workorders/create-from-template/', {
    template: auth.templateId,
    quantity: String(quantity),
  });
}

/** Create → completed → zip downloaded (streamed and counted); returns seconds and zip bytes. */
export async function workorderEndToEnd(
  stack: Stack,
  auth: Auth,
  quantity: number,
): Promise<{ id: number; seconds: number; zipBytes: number }> {
  const start = process.hrtime.bigint();
  const created = await createWorkorder(stack, auth, quantity);
  if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
  const { id } = created.body;
  for (;;) {
    const { body } = await api(stack, auth, 'GET', `/api/v2/workorders/${id}/`);
    if (body.state === 'completed') break;
    if (body.failure) throw new Error(`workorder ${id} failed: ${String(body.failure)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const res = await fetch(`${stack.baseUrl}/api/v2/workorders/${id}/download/`, {
    headers: { Authorization: `UAT ${auth.token}` },
  });
  if (res.status !== 200 || !res.body) throw new Error(`download: ${res.status}`);
  let zipBytes = 0;
  for await (const chunk of res.body) zipBytes += (chunk as Uint8Array).length;
  return { id, seconds: Number(process.hrtime.bigint() - start) / 1e9, zipBytes };
}

export interface RunHistory {
  runId: string;
  status: string;
  events: number;
  bytes: number;
}

/** Every run of the workorder's workflow id, with its history's event count and encoded size. */
export async function workflowHistories(address: string, workorderId: number): Promise<RunHistory[]> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const workflowId = workflowIdFor(workorderId);
    const runs: Array<{ runId: string; status: string; startTime: Date }> = [];
    // Visibility trails the history a little: wait until the runs are all listed.
    for (let attempt = 0; attempt < 50; attempt++) {
      runs.length = 0;
      for await (const run of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
        runs.push({ runId: run.runId, status: run.status.name, startTime: run.startTime });
      }
      if (runs.length > 0 && runs.filter((r) => r.status === 'CONTINUED_AS_NEW').length === runs.length - 1)
        break;
      await new Promise((r) => setTimeout(r, 200));
    }
    runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
    const histories: RunHistory[] = [];
    for (const run of runs) {
      const history = await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
      const bytes = temporal.api.history.v1.History.encode(history).finish().length;
      histories.push({ runId: run.runId, status: run.status, events: history.events?.length ?? 0, bytes });
    }
    return histories;
  } finally {
    await connection.close();
  }
}
