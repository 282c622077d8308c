import { Client, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Config } from '../config';
import { connectClient, temporalConnectionSettings } from '../temporal-connection';
import { qaCompleteUpdate } from '../shared/messages';
import type { WorkorderSnapshot } from '../shared/workorder';

/**
 * QA approval of a printed SSC workorder: the workflow's qaComplete Update, answered with the
 * snapshot after it. A refusal rejects with the workflow's own words. Loaded only by this command,
 * so the other commands do not pay for the Temporal client's start-up.
 */
export async function completeWorkorder(config: Config, workflowId: string): Promise<WorkorderSnapshot> {
  const connection = await connectClient(temporalConnectionSettings(config), { connectTimeout: 10_000 });
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace });
    return await client.workflow.getHandle(workflowId).executeUpdate(qaCompleteUpdate);
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new Error(err.cause?.message ?? err.message);
    throw err;
  } finally {
    await connection.close();
  }
}
