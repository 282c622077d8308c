import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Derived from the workorder and the event; the same event always yields the same key. */
  idempotencyKey: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * With SMTP_URL set, mail goes over SMTP; without it, each message is written to DATA_DIR/outbox
 * as an .eml file named after its idempotency key (so a repeat overwrites instead of duplicating).
 */
export function createMailer(opts: { smtpUrl: string | undefined; outboxDir: string; from: string }): Mailer {
  const headersOf = (mail: OutgoingMail) => ({
    from: opts.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    messageId: `<${mail.idempotencyKey.replace(/[^A-Za-z0-9.-]/g, '.')}@workorder-service>`,
    headers: { 'X-Idempotency-Key': mail.idempotencyKey },
    date: new Date(),
  });

  if (opts.smtpUrl) {
    const transport = nodemailer.createTransport(opts.smtpUrl);
    return {
      async send(mail) {
        await transport.sendMail(headersOf(mail));
      },
      close: () => transport.close(),
    };
  }

  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await transport.sendMail(headersOf(mail));
      await fs.mkdir(opts.outboxDir, { recursive: true });
      const file = path.join(opts.outboxDir, `${mail.idempotencyKey.replace(/[^A-Za-z0-9.-]/g, '_')}.eml`);
      await fs.writeFile(file, info.message as Buffer);
    },
    close: () => transport.close(),
  };
}
