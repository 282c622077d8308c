import http from 'node:http';
import { freePort } from '../../src/free-port';

export interface ReceivedWebhook {
  at: number;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * A real HTTP receiver for webhooks on a fixed loopback port: `down()` closes the port (connections
 * are refused, as a receiver that is off), `up()` listens again; every request it answered is kept.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private server?: http.Server;
  status = 204;

  private constructor(readonly port: number) {}

  static async create(): Promise<WebhookReceiver> {
    return new WebhookReceiver(await freePort());
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async up(): Promise<void> {
    if (this.server) return;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
        this.received.push({
          at: Date.now(),
          url: req.url ?? '',
          headers,
          body: Buffer.concat(chunks).toString(),
        });
        res.writeHead(this.status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  /** Waits until `done` holds over what was received. */
  async until(done: (received: ReceivedWebhook[]) => boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.received)) {
      if (Date.now() > deadline) {
        throw new Error(`webhooks not received in time; got ${this.received.length}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
