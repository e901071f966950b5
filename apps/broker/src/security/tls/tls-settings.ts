/** The ssl.* broker properties (Kafka's names), checked once at start-up. */
import { type BrokerConfig, configString } from '../../config/broker-config.js';

export type ClientAuth = 'none' | 'requested' | 'required';

export interface TlsSettings {
  /** ssl.keystore.location: PEM file with the private key and certificate chain. */
  keystoreLocation: string;
  /** ssl.key.password: decrypts an encrypted private key. */
  keyPassword: string | null;
  /** ssl.client.auth */
  clientAuth: ClientAuth;
  /** ssl.truststore.location: PEM CA certificates that client certificates must chain to. */
  truststoreLocation: string | null;
}

/** The TLS settings, or null when no key store is configured. */
export function tlsSettingsFrom(config: BrokerConfig): TlsSettings | null {
  for (const key of ['ssl.keystore.type', 'ssl.truststore.type']) {
    const type = configString(config, key).toUpperCase();
    if (type !== 'PEM') throw new Error(`${key}=${type} is not supported (only PEM)`);
  }
  const clientAuth = configString(config, 'ssl.client.auth').toLowerCase();
  if (clientAuth !== 'none' && clientAuth !== 'requested' && clientAuth !== 'required') {
    throw new Error(`ssl.client.auth must be none, requested or required, got ${clientAuth}`);
  }
  const keystoreLocation = configString(config, 'ssl.keystore.location');
  const truststoreLocation = configString(config, 'ssl.truststore.location') || null;
  if (clientAuth !== 'none' && truststoreLocation === null) {
    throw new Error(`ssl.client.auth=${clientAuth} needs ssl.truststore.location`);
  }
  if (keystoreLocation === '') return null;
  return {
    keystoreLocation,
    keyPassword: configString(config, 'ssl.key.password') || null,
    clientAuth,
    truststoreLocation,
  };
}
