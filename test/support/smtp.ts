/**
 * A real SMTP server in the test process: it receives what the worker sends, and can refuse mail
 * with a temporary 4xx for a while, as a mail server under maintenance does.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** Header names lower-cased; unfolded values. */
  headers: Map<string, string>;
  subject: string;
  idempotencyKey: string;
  text: string;
  raw: string;
}

export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  /** Refused deliveries (answered 451), to show that retries really happened. */
  refusals = 0;
  private refusing = false;

  private readonly server: SMTPServer;
  private port = 0;

  private constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onMailFrom: (_address, _session, callback) => {
        if (this.refusing) {
          this.refusals += 1;
          const err = Object.assign(new Error('Mailbox temporarily unavailable, try again later'), {
            responseCode: 451,
          });
          return callback(err);
        }
        callback();
      },
      onData: (stream: SMTPServerDataStream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          this.received.push(
            parseMail(
              raw,
              from,
              session.envelope.rcptTo.map((r) => r.address),
            ),
          );
          callback();
        });
      },
    });
  }

  static async start(): Promise<TestSmtpServer> {
    const smtp = new TestSmtpServer();
    await new Promise<void>((resolve) => smtp.server.listen(0, '127.0.0.1', resolve));
    smtp.port = (smtp.server.server.address() as AddressInfo).port;
    return smtp;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** While on, every delivery is answered 451 (a temporary failure the sender retries). */
  refuse(on: boolean): void {
    this.refusing = on;
  }

  /** Mail whose idempotency key is for this workorder (keys are `workorder-<id>.<event>`). */
  forWorkorder(id: number): ReceivedMail[] {
    return this.received.filter((m) => m.idempotencyKey.startsWith(`workorder-${id}.`));
  }

  async waitFor(
    predicate: (mails: ReceivedMail[]) => boolean,
    timeoutMs = 30_000,
    what = 'mail',
  ): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (predicate(this.received)) return this.received;
      await new Promise((r) => setTimeout(r, 100));
    }
    const got = this.received.map((m) => m.idempotencyKey).join(', ');
    throw new Error(`timed out waiting for ${what}; received: ${got || 'nothing'}`);
  }

  /** Waits for the mail of one event of one workorder, by its idempotency key. */
  async waitForEvent(workorderId: number, event: string, timeoutMs = 30_000): Promise<ReceivedMail> {
    const key = `workorder-${workorderId}.${event}`;
    await this.waitFor((mails) => mails.some((m) => m.idempotencyKey === key), timeoutMs, key);
    return this.received.find((m) => m.idempotencyKey === key) as ReceivedMail;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Headers and the plain-text body of a single-part message, as nodemailer writes it. */
export function parseMail(raw: string, from: string, to: string[]): ReceivedMail {
  const normalized = raw.replace(/\r\n/g, '\n');
  const split = normalized.indexOf('\n\n');
  const head = split === -1 ? normalized : normalized.slice(0, split);
  const body = split === -1 ? '' : normalized.slice(split + 2);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const text =
    encoding === 'quoted-printable'
      ? decodeQuotedPrintable(body)
      : encoding === 'base64'
        ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
        : body;
  return {
    from,
    to,
    headers,
    subject: decodeEncodedWords(headers.get('subject') ?? ''),
    idempotencyKey: headers.get('x-idempotency-key') ?? '',
    text: text.replace(/\n$/, ''),
    raw,
  };
}

function decodeQuotedPrintable(body: string): string {
  const bytes = body
    .replace(/=\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** RFC 2047 words (=?UTF-8?Q?...?= / =?UTF-8?B?...?=) that nodemailer uses for long or non-ASCII subjects. */
function decodeEncodedWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_m, _charset: string, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}
