import { log } from '@temporalio/activity';
import type { Mailer } from '../mail/mailer';
import { emailIdempotencyKey, renderPartnerMail } from '../mail/messages';
import type { Repositories } from '../store';
import type { SendEmailInput } from './types';

export interface EmailDeps {
  repos: Repositories;
  mailer: Mailer;
  publicUrl: string;
}

/**
 * Emails the workorder's printing partner, while the brand and it are partners. The idempotency key is recorded before sending and
 * marked sent once the server accepted the message, so a retried activity does not send twice.
 */
export async function sendWorkorderEmail(deps: EmailDeps, input: SendEmailInput): Promise<void> {
  const key = emailIdempotencyKey(input.workorderId, input.event);
  if (await deps.repos.emailLog.wasSent(key)) return;
  const workorder = await deps.repos.workorders.byId(input.workorderId);
  if (!workorder?.printing_partner_id) return;
  const companies = await deps.repos.companies.byIds([workorder.company_id, workorder.printing_partner_id]);
  const brand = companies.get(workorder.company_id);
  const partner = companies.get(workorder.printing_partner_id);
  if (!brand || !partner) return;
  // Checked at send time: once the partnership ends, reminders stop though the workorder runs on.
  if (!(await deps.repos.partnerships.active(brand.id, partner.id))) {
    log.info('No active partnership with the printing partner; nothing sent', {
      workorderId: workorder.id,
      event: input.event.kind,
    });
    return;
  }
  if (!partner.email) {
    log.warn('Printing partner has no email address; nothing sent', {
      workorderId: workorder.id,
      event: input.event.kind,
    });
    return;
  }
  const message = renderPartnerMail(input.event, { workorder, brand, publicUrl: deps.publicUrl });
  await deps.repos.emailLog.markSending(key, partner.email, message.subject);
  await deps.mailer.send({ to: partner.email, ...message, idempotencyKey: key });
  await deps.repos.emailLog.markSent(key);
  log.info('Email sent', { workorderId: workorder.id, event: input.event.kind });
}
