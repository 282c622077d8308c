/**
 * The one place that knows how to reach Temporal: address, namespace, TLS (server-verified or
 * mutual) and a Temporal Cloud API key, from the configuration (README, Secured Temporal). The API,
 * the worker, the operator CLI and `npm start` all connect through here, so a secured server is
 * configured once, by plain variables, for every process.
 */
import fs from 'node:fs';
import { Connection, type ConnectionOptions, type TLSConfig } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import { ConfigError, temporalAddress, type Config, type TemporalTlsSettings } from './config';

/** What both connection kinds take: the address, and TLS and the API key when configured. */
export interface TemporalConnectionSettings {
  address: string;
  namespace: string;
  tls: TLSConfig | undefined;
  apiKey: string | undefined;
}

const PEM = /-----BEGIN [A-Z0-9 ]+-----/;

/** A PEM given inline, or read from the file the variable names (with an error naming the variable). */
function pem(variable: string, value: string): Buffer {
  if (PEM.test(value)) return Buffer.from(value.replace(/\\n/g, '\n'));
  let text: Buffer;
  try {
    text = fs.readFileSync(value);
  } catch (err) {
    throw new ConfigError(`${variable}: cannot read ${value} (${(err as NodeJS.ErrnoException).code})`);
  }
  if (!PEM.test(text.toString('latin1'))) throw new ConfigError(`${variable}: ${value} holds no PEM block`);
  return text;
}

export function tlsConfigOf(tls: TemporalTlsSettings): TLSConfig {
  return {
    ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
    ...(tls.ca ? { serverRootCACertificate: pem('TEMPORAL_TLS_CA', tls.ca) } : {}),
    ...(tls.cert && tls.key
      ? { clientCertPair: { crt: pem('TEMPORAL_TLS_CERT', tls.cert), key: pem('TEMPORAL_TLS_KEY', tls.key) } }
      : {}),
  };
}

/** Reads the certificate files now, so a process with a bad path stops at start with a clear error. */
export function temporalConnectionSettings(config: Config): TemporalConnectionSettings {
  const { tls, apiKey, namespace } = config.temporal;
  return {
    address: temporalAddress(config),
    namespace,
    // An API key travels only over TLS (Temporal Cloud): TLS with the system's CAs when nothing more is set.
    tls: tls ? tlsConfigOf(tls) : apiKey ? {} : undefined,
    apiKey,
  };
}

export function clientConnectionOptions(
  settings: TemporalConnectionSettings,
  extra: Omit<ConnectionOptions, 'address' | 'tls' | 'apiKey'> = {},
): ConnectionOptions {
  return {
    ...extra,
    address: settings.address,
    ...(settings.tls ? { tls: settings.tls } : {}),
    ...(settings.apiKey
      ? { apiKey: settings.apiKey, metadata: { 'temporal-namespace': settings.namespace } }
      : {}),
  };
}

export function nativeConnectionOptions(settings: TemporalConnectionSettings): NativeConnectionOptions {
  return {
    address: settings.address,
    ...(settings.tls ? { tls: settings.tls } : {}),
    ...(settings.apiKey
      ? { apiKey: settings.apiKey, metadata: { 'temporal-namespace': settings.namespace } }
      : {}),
  };
}

/** A client connection (API, CLI, scripts), connected now. */
export function connectClient(
  settings: TemporalConnectionSettings,
  extra?: Omit<ConnectionOptions, 'address' | 'tls' | 'apiKey'>,
): Promise<Connection> {
  return Connection.connect(clientConnectionOptions(settings, extra));
}

/** A client connection made on first use (the API starts while Temporal may still be down). */
export function lazyClient(settings: TemporalConnectionSettings): Connection {
  return Connection.lazy(clientConnectionOptions(settings));
}

/** The worker's connection (Rust core). */
export function connectNative(settings: TemporalConnectionSettings): Promise<NativeConnection> {
  return NativeConnection.connect(nativeConnectionOptions(settings));
}

/** How the connection is secured, for start-up logs: never the key or a certificate's bytes. */
export function describeSecurity(settings: TemporalConnectionSettings): string {
  if (!settings.tls) return 'plain';
  const parts = [settings.tls.clientCertPair ? 'mTLS' : 'TLS'];
  if (settings.tls.serverRootCACertificate) parts.push('own CA');
  if (settings.tls.serverNameOverride) parts.push(`server name ${settings.tls.serverNameOverride}`);
  if (settings.apiKey) parts.push('API key');
  return parts.join(', ');
}
