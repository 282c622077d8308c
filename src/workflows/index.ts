export { workorderWorkflow } from './workorder';
export { retentionSweepWorkflow, zipRebuildWorkflow } from './retention';
