import type { RouteSpec } from './route';
import { brandRoutes } from './routes/brands';
import { codeRoutes } from './routes/codes';
import { docsRoutes } from './routes/docs';
import { generatorRoutes } from './routes/generator';
import { meRoutes } from './routes/me';
import { operationsRoutes } from './routes/operations';
import { partnerSetupRoutes } from './routes/partner-setup';
import { partnershipRoutes } from './routes/partnerships';
import { printingRoutes } from './routes/printing';
import { productMediaRoutes } from './routes/product-media';
import { productRoutes } from './routes/products';
import { workorderActionRoutes } from './routes/workorders-actions';
import { workorderCodesRoutes } from './routes/workorders-codes';
import { workorderCreateRoutes } from './routes/workorders-create';
import { workorderPrintingRoutes } from './routes/workorders-printing';
import { workorderReadRoutes } from './routes/workorders-read';
import { webhookRoutes } from './routes/webhooks';

export type { RouteSpec };

/**
 * Every route the service serves, each declared once next to its handler (src/api/routes/): a new
 * route is one more RouteSpec in its domain's list. The app mounts them in this order, so a fixed
 * path comes before the `:id` path that would take it (`/workorders/templates/` before
 * `/workorders/:id/`); the API reference lists them in it.
 */
export const ROUTES: RouteSpec[] = [
  ...meRoutes,
  ...workorderCreateRoutes,
  ...workorderReadRoutes,
  ...workorderPrintingRoutes,
  ...workorderActionRoutes,
  ...workorderCodesRoutes,
  ...codeRoutes,
  ...generatorRoutes,
  ...printingRoutes,
  ...partnerSetupRoutes,
  ...partnershipRoutes,
  ...webhookRoutes,
  ...brandRoutes,
  ...productRoutes,
  ...productMediaRoutes,
  ...operationsRoutes,
  ...docsRoutes(() => ROUTES),
];
