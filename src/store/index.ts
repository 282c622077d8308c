import { brandRepository } from './brands';
import { codeStatusRepository } from './code-status';
import { companyRepository } from './companies';
import type { Store } from './database';
import { emailLogRepository } from './email-log';
import { idempotencyRepository } from './idempotency';
import { partnershipRepository } from './partnerships';
import { printingRepository } from './printing';
import { productRepository } from './products';
import { templateRepository } from './templates';
import { throttleRepository } from './throttle';
import { tokenRepository } from './tokens';
import { webhookRepository } from './webhooks';
import { workorderRepository } from './workorders';

export { openStore, type Store } from './database';

/** Every repository over one database handle; entry points build this once and pass it down. */
export function repositories(store: Store) {
  return {
    companies: companyRepository(store.db),
    tokens: tokenRepository(store.db),
    templates: templateRepository(store.db),
    workorders: workorderRepository(store.db),
    idempotency: idempotencyRepository(store.db),
    emailLog: emailLogRepository(store.db),
    printing: printingRepository(store.db),
    brands: brandRepository(store.db),
    products: productRepository(store.db),
    codeStatus: codeStatusRepository(store.db),
    partnerships: partnershipRepository(store.db),
    throttle: throttleRepository(store.db),
    webhooks: webhookRepository(store.db),
  };
}
export type Repositories = ReturnType<typeof repositories>;
