/**
 * Kafka's PEM key store (ssl.keystore.type=PEM): one file holding the private key (PKCS#8,
 * optionally encrypted with ssl.key.password) and the certificate chain, server first.
 */

export interface PemKeyStore {
  key: string;
  /** Certificates in file order (the server's first, then intermediates). */
  chain: string[];
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
const KEY_LABELS = new Set([
  'PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
  'RSA PRIVATE KEY',
  'EC PRIVATE KEY',
]);

export function pemBlocks(text: string): Array<{ label: string; pem: string }> {
  return [...text.matchAll(BLOCK)].map((m) => ({ label: m[1], pem: `${m[0]}\n` }));
}

/** Splits a PEM key store; throws with what is missing. */
export function parsePemKeyStore(text: string, path: string): PemKeyStore {
  const blocks = pemBlocks(text);
  const keys = blocks.filter((b) => KEY_LABELS.has(b.label));
  const chain = blocks.filter((b) => b.label === 'CERTIFICATE').map((b) => b.pem);
  if (keys.length !== 1) {
    throw new Error(`${path}: expected one private key, found ${keys.length}`);
  }
  if (chain.length === 0) throw new Error(`${path}: no certificate found`);
  return { key: keys[0].pem, chain };
}

/** A PEM trust store: every CERTIFICATE block. */
export function parsePemTrustStore(text: string, path: string): string[] {
  const certs = pemBlocks(text)
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => b.pem);
  if (certs.length === 0) throw new Error(`${path}: no certificate found`);
  return certs;
}
