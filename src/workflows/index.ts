export { workorderWorkflow } from './workorder';
export { retentionSweepWorkflow, zipRebuildWorkflow } from './retention';
export { webhookDeliveryWorkflow } from './webhook-delivery';
