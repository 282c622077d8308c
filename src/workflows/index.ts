export { workorderWorkflow } from './workorder';
