/**
 * Connection options for the Temporal client and worker, from configuration.
 * The same options serve a local dev server, the docker-compose cluster and a TLS/API-key cloud.
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../config';

export interface TemporalConnectionOptions {
  address: string;
  tls?: {
    serverNameOverride?: string;
    serverRootCACertificate?: Buffer;
    clientCertPair?: { crt: Buffer; key: Buffer };
  };
  apiKey?: string;
  /** the native (Rust) connection's; the pure-JS one of scripts/replay.ts sends uncompressed anyway */
  grpcCompression?: { codec: 'gzip' | 'none' };
}

export function connectionOptions(config: Config, address: string): TemporalConnectionOptions {
  const { tls, apiKey, grpcCompression } = config.temporal;
  const read = (path: string, name: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`${name}: cannot read ${path}: ${(err as Error).message}`);
    }
  };
  return {
    address,
    apiKey,
    grpcCompression: { codec: grpcCompression },
    tls: tls
      ? {
          serverNameOverride: tls.serverName,
          serverRootCACertificate: tls.caPath ? read(tls.caPath, 'TEMPORAL_TLS_CA_PATH') : undefined,
          clientCertPair:
            tls.certPath && tls.keyPath
              ? { crt: read(tls.certPath, 'TEMPORAL_TLS_CERT_PATH'), key: read(tls.keyPath, 'TEMPORAL_TLS_KEY_PATH') }
              : undefined,
        }
      : apiKey
        ? {} // API keys require TLS
        : undefined,
  };
}
