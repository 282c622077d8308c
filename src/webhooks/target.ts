import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** What an endpoint's URL may be (checked when it is saved, and again before each delivery). */
export interface TargetPolicy {
  /** `http:` allowed besides `https:` (WEBHOOK_ALLOW_HTTP; local use and tests). */
  allowHttp: boolean;
  /** Private, loopback and link-local addresses allowed (WEBHOOK_ALLOW_PRIVATE; local use and tests). */
  allowPrivate: boolean;
}

/** Why a URL cannot be an endpoint, or null when it can. */
export function urlProblem(raw: string, policy: Pick<TargetPolicy, 'allowHttp'>): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Enter a valid URL.';
  }
  if (url.protocol !== 'https:' && !(policy.allowHttp && url.protocol === 'http:')) {
    return policy.allowHttp ? 'Only http and https URLs are allowed.' : 'Only https URLs are allowed.';
  }
  if (url.username || url.password) return 'Credentials in the URL are not allowed.';
  if (!url.hostname) return 'Enter a valid URL.';
  return null;
}

// Addresses a webhook must never reach unless allowed: private, loopback, link-local, shared
// (CGNAT), benchmark, multicast and reserved ranges, in both families.
const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv6');
}

/** True when the address is public: not private, loopback, link-local or otherwise reserved. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !NON_PUBLIC.check(address, 'ipv4');
  if (family !== 6) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPublicAddress(mapped[1]);
  return !NON_PUBLIC.check(address, 'ipv6');
}

/** A delivery refused before any connection (the URL or the address it resolves to). */
export class TargetRefused extends Error {}

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export interface WebhookResponse {
  statusCode: number;
  /** At most `maxResponseBytes` of the body, as text. */
  body: string;
}

export const DELIVERY_TIMEOUT_MS = 5000;
export const MAX_RESPONSE_BYTES = 1024;

/**
 * POSTs one webhook. The host is resolved here and every address it has is checked; the
 * connection then goes to the checked address (the socket's lookup is pinned to it), so a DNS
 * answer that changes between the check and the connect (rebinding) cannot redirect it. Redirects
 * are not followed; the whole exchange has DELIVERY_TIMEOUT_MS; at most MAX_RESPONSE_BYTES of the
 * answer are read.
 */
export async function postWebhook(
  request: WebhookRequest,
  policy: TargetPolicy,
  timeoutMs = DELIVERY_TIMEOUT_MS,
): Promise<WebhookResponse> {
  const problem = urlProblem(request.url, policy);
  if (problem) throw new TargetRefused(problem);
  const url = new URL(request.url);
  const signal = AbortSignal.timeout(timeoutMs);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
  if (addresses.length === 0) throw new TargetRefused(`${host} has no address.`);
  if (!policy.allowPrivate) {
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (refused) throw new TargetRefused(`${host} resolves to a non-public address (${refused.address}).`);
  }
  const pinned = addresses[0];
  const pinnedLookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
  const body = Buffer.from(request.body, 'utf8');
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<WebhookResponse>((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        lookup: pinnedLookup,
        signal,
        headers: {
          ...request.headers,
          'content-type': 'application/json',
          'content-length': String(body.length),
          'user-agent': 'workorder-service-webhooks',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        const finish = () => {
          res.removeAllListeners('data');
          resolve({
            statusCode: res.statusCode ?? 0,
            body: Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8'),
          });
        };
        res.on('data', (chunk: Buffer) => {
          if (kept >= MAX_RESPONSE_BYTES) return;
          chunks.push(chunk);
          kept += chunk.length;
          // The rest of a large answer is not read: the connection is dropped instead.
          if (kept >= MAX_RESPONSE_BYTES) {
            finish();
            res.destroy();
          }
        });
        res.on('end', finish);
        res.on('error', (err) => (kept >= MAX_RESPONSE_BYTES ? undefined : reject(err)));
      },
    );
    req.on('error', (err) => reject(signal.aborted ? new Error(`No answer within ${timeoutMs} ms.`) : err));
    req.end(body);
  });
}
