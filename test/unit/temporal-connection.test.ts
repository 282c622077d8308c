/**
 * Secured Temporal (README, Secured Temporal): the options every entry point connects with, and a
 * real TLS handshake. The pinned Temporal CLI's dev server serves no TLS, so the handshake is made
 * against a local HTTP/2 TLS server standing in for the Temporal frontend (it checks the client's
 * certificate and answers every gRPC call with an empty message, all the SDK's connect asks). The
 * certificates are made here by openssl.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http2 from 'node:http2';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { ConfigError, loadConfig } from '../../src/config';
import {
  clientConnectionOptions,
  connectClient,
  connectNative,
  describeSecurity,
  nativeConnectionOptions,
  temporalConnectionSettings,
} from '../../src/temporal-connection';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-tls-'));
const file = (name: string) => path.join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** A CA, a server certificate for temporal.test, a client certificate, and a stranger's. */
beforeAll(() => {
  const ca = (name: string) => {
    openssl(
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`,
      '-keyout', file(`${name}.key`), '-out', file(`${name}.pem`),
    ); // prettier-ignore
  };
  const leaf = (name: string, signer: string, ext: string) => {
    fs.writeFileSync(file(`${name}.ext`), ext);
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`)); // prettier-ignore
    openssl(
      'x509', '-req', '-in', file(`${name}.csr`), '-CA', file(`${signer}.pem`), '-CAkey', file(`${signer}.key`),
      '-CAcreateserial', '-days', '2', '-extfile', file(`${name}.ext`), '-out', file(`${name}.pem`),
    ); // prettier-ignore
  };
  ca('ca');
  ca('stranger-ca');
  leaf('temporal.test', 'ca', 'subjectAltName=DNS:temporal.test\nextendedKeyUsage=serverAuth\n');
  leaf('worker', 'ca', 'extendedKeyUsage=clientAuth\n');
  leaf('stranger', 'stranger-ca', 'extendedKeyUsage=clientAuth\n');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const tlsEnv = () => ({
  DATA_DIR: dir,
  TEMPORAL_ADDRESS: 'temporal.example:7233',
  TEMPORAL_TLS_CERT: file('worker.pem'),
  TEMPORAL_TLS_KEY: file('worker.key'),
  TEMPORAL_TLS_CA: file('ca.pem'),
  TEMPORAL_TLS_SERVER_NAME: 'temporal.test',
});

describe('configuration', () => {
  test('no TLS variables: a plain connection, as the dev server wants', () => {
    const settings = temporalConnectionSettings(loadConfig({ DATA_DIR: dir }));
    expect(settings).toEqual({
      address: '127.0.0.1:7233',
      namespace: 'default',
      tls: undefined,
      apiKey: undefined,
    });
    expect(clientConnectionOptions(settings)).toEqual({ address: '127.0.0.1:7233' });
    expect(describeSecurity(settings)).toBe('plain');
  });

  test('mTLS: the files are read into the client and worker options', () => {
    const settings = temporalConnectionSettings(loadConfig({ ...tlsEnv(), TEMPORAL_NAMESPACE: 'prod' }));
    const tls = {
      serverNameOverride: 'temporal.test',
      serverRootCACertificate: fs.readFileSync(file('ca.pem')),
      clientCertPair: { crt: fs.readFileSync(file('worker.pem')), key: fs.readFileSync(file('worker.key')) },
    };
    expect(clientConnectionOptions(settings, { connectTimeout: 5 })).toEqual({
      address: 'temporal.example:7233',
      connectTimeout: 5,
      tls,
    });
    expect(nativeConnectionOptions(settings)).toEqual({ address: 'temporal.example:7233', tls });
    expect(settings.namespace).toBe('prod');
    expect(describeSecurity(settings)).toBe('mTLS, own CA, server name temporal.test');
  });

  test('PEM text may stand in for a path', () => {
    const pem = fs.readFileSync(file('ca.pem'), 'utf8');
    const settings = temporalConnectionSettings(loadConfig({ DATA_DIR: dir, TEMPORAL_TLS_CA: pem }));
    expect(settings.tls?.serverRootCACertificate?.toString()).toBe(pem.trim());
    expect(settings.tls?.clientCertPair).toBeUndefined();
  });

  test('an API key (Temporal Cloud) turns TLS on with the system CAs and names the namespace', () => {
    const settings = temporalConnectionSettings(
      loadConfig({
        DATA_DIR: dir,
        TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
        TEMPORAL_NAMESPACE: 'ns.acct',
        TEMPORAL_API_KEY: 'key-123',
      }),
    );
    const expected = {
      address: 'ns.acct.tmprl.cloud:7233',
      tls: {},
      apiKey: 'key-123',
      metadata: { 'temporal-namespace': 'ns.acct' },
    };
    expect(clientConnectionOptions(settings)).toEqual(expected);
    expect(nativeConnectionOptions(settings)).toEqual(expected);
    expect(describeSecurity(settings)).toBe('TLS, API key');
    expect(describeSecurity(settings)).not.toContain('key-123');
  });

  test('TEMPORAL_TLS=true alone: TLS verified against the system CAs', () => {
    const settings = temporalConnectionSettings(loadConfig({ DATA_DIR: dir, TEMPORAL_TLS: 'true' }));
    expect(settings.tls).toEqual({});
  });

  test('half-configured TLS stops the process at start with the variable named', () => {
    const { TEMPORAL_TLS_KEY: _key, ...certOnly } = tlsEnv();
    expect(() => loadConfig(certOnly)).toThrow(ConfigError);
    expect(() => loadConfig(certOnly)).toThrow(/TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY/);
    const { TEMPORAL_TLS_CERT: _cert, ...keyOnly } = tlsEnv();
    expect(() => loadConfig(keyOnly)).toThrow(/TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY/);
    expect(() => loadConfig({ ...tlsEnv(), TEMPORAL_TLS: 'false' })).toThrow(/TEMPORAL_TLS=false/);
    expect(() => loadConfig({ ...tlsEnv(), TEMPORAL_TLS: 'maybe' })).toThrow(/TEMPORAL_TLS/);
  });

  test('a missing or non-PEM file is an error naming the variable, not a crash at the first call', () => {
    const missing = loadConfig({ ...tlsEnv(), TEMPORAL_TLS_CA: file('nope.pem') });
    expect(() => temporalConnectionSettings(missing)).toThrow(
      /TEMPORAL_TLS_CA: cannot read .*nope\.pem \(ENOENT\)/,
    );
    const notPem = loadConfig({ ...tlsEnv(), TEMPORAL_TLS_KEY: file('worker.ext') });
    expect(() => temporalConnectionSettings(notPem)).toThrow(
      /TEMPORAL_TLS_KEY: .*worker\.ext holds no PEM block/,
    );
  });
});

describe('handshake with a TLS server that requires client certificates', () => {
  let server: http2.Http2SecureServer;
  let address: string;
  const clients: string[] = [];
  const authorizations: string[] = [];

  beforeAll(async () => {
    server = http2.createSecureServer({
      key: fs.readFileSync(file('temporal.test.key')),
      cert: fs.readFileSync(file('temporal.test.pem')),
      ca: fs.readFileSync(file('ca.pem')),
      requestCert: true,
      rejectUnauthorized: true,
    });
    server.on('stream', (stream, headers) => {
      authorizations.push(String(headers.authorization));
      const peer = (stream.session?.socket as TLSSocket).getPeerCertificate();
      clients.push(String(peer.subject?.CN));
      // An empty message is a valid GetSystemInfoResponse (no capabilities): enough for connect().
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(Buffer.alloc(5));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    address = `127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const settingsFor = (env: Record<string, string>) =>
    temporalConnectionSettings(loadConfig({ ...tlsEnv(), TEMPORAL_ADDRESS: address, ...env }));

  test('the client connects with its certificate, checks the server by CA and server name', async () => {
    const before = clients.length;
    const connection = await connectClient(settingsFor({}), { connectTimeout: 10_000 });
    await connection.close();
    expect(clients.slice(before)).toContain('worker');
  });

  test("the worker's native connection makes the same handshake", async () => {
    const before = clients.length;
    const connection = await connectNative(settingsFor({}));
    await connection.close();
    expect(clients.slice(before)).toContain('worker');
  });

  test('an API key is sent as a bearer token on every call, on both connection kinds', async () => {
    const settings = settingsFor({ TEMPORAL_API_KEY: 'key-xyz' });
    const before = authorizations.length;
    await (await connectClient(settings)).close();
    await (await connectNative(settings)).close();
    expect(authorizations.slice(before).filter((a) => a === 'Bearer key-xyz').length).toBeGreaterThanOrEqual(
      2,
    );
  });

  test('a certificate from another CA is refused by the server', async () => {
    const settings = settingsFor({
      TEMPORAL_TLS_CERT: file('stranger.pem'),
      TEMPORAL_TLS_KEY: file('stranger.key'),
    });
    await expect(connectClient(settings, { connectTimeout: 3_000 })).rejects.toThrow();
  });

  test('a server name the certificate does not carry is refused by the client', async () => {
    await expect(
      connectClient(settingsFor({ TEMPORAL_TLS_SERVER_NAME: 'other.test' }), { connectTimeout: 3_000 }),
    ).rejects.toThrow();
  });

  test('a client that trusts another CA refuses the server', async () => {
    await expect(
      connectClient(settingsFor({ TEMPORAL_TLS_CA: file('stranger-ca.pem') }), { connectTimeout: 3_000 }),
    ).rejects.toThrow();
  });
});
