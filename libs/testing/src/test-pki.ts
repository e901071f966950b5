/**
 * Throw-away certificates for TLS tests, made with the `openssl` CLI: a CA and leaf
 * certificates it signs (EC P-256, valid two days, SAN localhost + 127.0.0.1 by default, usable
 * for server and client authentication). Key stores are Kafka PEM key stores: a PKCS#8 private
 * key (optionally encrypted) followed by the certificate.
 */
import { X509Certificate, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runProcess } from './run-process.js';

export interface TestCertificate {
  /** PEM key store: private key, then certificate. */
  keystore: string;
  /** The certificate alone (PEM). */
  cert: string;
  /** The private key alone (PEM, PKCS#8). */
  key: string;
  /** SHA-256 fingerprint as Node prints it (AA:BB:...). */
  fingerprint256: string;
}

export interface LeafOptions {
  /** Subject, e.g. "/CN=broker/O=Tributary" (default "/CN=<name>"). */
  subject?: string;
  /** subjectAltName entries (default DNS:localhost, IP:127.0.0.1). */
  altNames?: string[];
  /** Encrypts the key store's private key with this password (ssl.key.password). */
  keyPassword?: string;
}

export interface TestPki {
  dir: string;
  /** The CA certificate (PEM): trust store for clients and for client-certificate checks. */
  caFile: string;
  caFingerprint256: string;
  /** Issues a certificate signed by this CA; files are named after `name`. */
  issue(name: string, options?: LeafOptions): Promise<TestCertificate>;
}

function openssl(args: string[]): Promise<unknown> {
  return runProcess('openssl', args, { timeoutMs: 30_000 });
}

async function fingerprint(file: string): Promise<string> {
  return new X509Certificate(await readFile(file)).fingerprint256;
}

/** A new CA in `dir` (which must exist). `name` goes into the CA's common name. */
export async function createTestPki(dir: string, name = 'Tributary Test CA'): Promise<TestPki> {
  const caKey = join(dir, 'ca.key');
  const caFile = join(dir, 'ca.pem');
  await openssl([
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', caKey, '-out', caFile, '-days', '2', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]); // prettier-ignore
  return {
    dir,
    caFile,
    caFingerprint256: await fingerprint(caFile),
    async issue(leaf, options = {}) {
      const key = join(dir, `${leaf}.key`);
      const csr = join(dir, `${leaf}.csr`);
      const cert = join(dir, `${leaf}.pem`);
      const ext = join(dir, `${leaf}.ext`);
      const keystore = join(dir, `${leaf}.keystore.pem`);
      const altNames = options.altNames ?? ['DNS:localhost', 'IP:127.0.0.1'];
      await writeFile(
        ext,
        [
          'basicConstraints=CA:FALSE',
          'keyUsage=critical,digitalSignature,keyEncipherment',
          'extendedKeyUsage=serverAuth,clientAuth',
          ...(altNames.length > 0 ? [`subjectAltName=${altNames.join(',')}`] : []),
          '',
        ].join('\n'),
      );
      await openssl([
        'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
        '-keyout', key, '-out', csr, '-subj', options.subject ?? `/CN=${leaf}`,
      ]); // prettier-ignore
      await openssl([
        'x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKey, '-days', '2',
        '-set_serial', `0x${randomBytes(12).toString('hex')}`, '-extfile', ext, '-out', cert,
      ]); // prettier-ignore
      let keyPem = await readFile(key, 'utf8');
      if (options.keyPassword !== undefined) {
        const encrypted = join(dir, `${leaf}.enc.key`);
        await openssl([
          'pkcs8', '-topk8', '-in', key, '-out', encrypted, '-v2', 'aes-256-cbc',
          '-passout', `pass:${options.keyPassword}`,
        ]); // prettier-ignore
        keyPem = await readFile(encrypted, 'utf8');
      }
      await writeFile(keystore, keyPem + (await readFile(cert, 'utf8')));
      return { keystore, cert, key, fingerprint256: await fingerprint(cert) };
    },
  };
}
