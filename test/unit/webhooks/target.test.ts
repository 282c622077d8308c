import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPublicAddress, postWebhook, TargetRefused, urlProblem } from '../../../src/webhooks/target';

describe('which addresses a webhook may reach', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.20.0.5',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fe80::1',
    'fd12:3456::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    'not-an-ip',
  ])('%s is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    '%s is public',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});

describe('which URLs an endpoint may have', () => {
  it('https is allowed; http only when configured', () => {
    expect(urlProblem('https://hooks.example.com/x', { allowHttp: false })).toBeNull();
    expect(urlProblem('http://hooks.example.com/x', { allowHttp: false })).toBe(
      'Only https URLs are allowed.',
    );
    expect(urlProblem('http://hooks.example.com/x', { allowHttp: true })).toBeNull();
  });

  it('other schemes, credentials and non-URLs are refused', () => {
    expect(urlProblem('ftp://hooks.example.com/', { allowHttp: true })).not.toBeNull();
    expect(urlProblem('https://user:pw@hooks.example.com/', { allowHttp: false })).toBe(
      'Credentials in the URL are not allowed.',
    );
    expect(urlProblem('hooks.example.com', { allowHttp: false })).toBe('Enter a valid URL.');
  });
});

describe('postWebhook against a real local server', () => {
  let server: http.Server;
  let base: string;
  const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
  let answer: (res: http.ServerResponse) => void = (res) => res.writeHead(204).end();

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        answer(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    received.length = 0;
    answer = (res) => res.writeHead(204).end();
  });

  const request = (url: string) => ({ url, body: '{"a":1}', headers: { 'webhook-id': 'msg_1' } });
  const open = { allowHttp: true, allowPrivate: true };

  it('a loopback target is refused before any connection unless private targets are allowed', async () => {
    await expect(
      postWebhook(request(`${base}/hook`), { allowHttp: true, allowPrivate: false }),
    ).rejects.toThrow(TargetRefused);
    // By name too: the name is resolved and its address checked.
    const byName = base.replace('127.0.0.1', 'localhost');
    await expect(
      postWebhook(request(`${byName}/hook`), { allowHttp: true, allowPrivate: false }),
    ).rejects.toThrow(/non-public address/);
    expect(received).toHaveLength(0);
  });

  it('http is refused unless allowed', async () => {
    await expect(
      postWebhook(request(`${base}/hook`), { allowHttp: false, allowPrivate: true }),
    ).rejects.toThrow('Only https URLs are allowed.');
  });

  it('posts the body with its headers and returns the status', async () => {
    answer = (res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
    const result = await postWebhook(request(`${base}/hook`), open);
    expect(result).toEqual({ statusCode: 200, body: 'thanks' });
    expect(received[0].body).toBe('{"a":1}');
    expect(received[0].headers['webhook-id']).toBe('msg_1');
    expect(received[0].headers['content-type']).toBe('application/json');
  });

  it('keeps at most 1 KiB of the answer', async () => {
    answer = (res) => res.writeHead(500).end('x'.repeat(200_000));
    const result = await postWebhook(request(`${base}/hook`), open);
    expect(result.statusCode).toBe(500);
    expect(Buffer.byteLength(result.body)).toBe(1024);
  });

  it('gives up on an endpoint that does not answer in time', async () => {
    answer = () => undefined; // never answers
    const started = Date.now();
    await expect(postWebhook(request(`${base}/hook`), open, 300)).rejects.toThrow('No answer within 300 ms.');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a redirect is not followed', async () => {
    answer = (res) => res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
    const result = await postWebhook(request(`${base}/hook`), open);
    expect(result.statusCode).toBe(302);
    expect(received).toHaveLength(1);
  });
});
