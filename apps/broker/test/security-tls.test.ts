/**
 * TLS listeners (SSL, SASL_SSL) with throw-away certificates from the openssl CLI: clients
 * that trust the CA are served; plaintext, garbage and untrusting clients lose only their own
 * connection; the certificate reloads when the key store file changes (new connections see
 * the new fingerprint, open ones keep theirs and keep working); a broken file is ignored;
 * encrypted keys; client certificates (required) name the principal; start-up refuses a
 * TLS listener without usable key material.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import {
  ApiKey,
  ErrorCode,
  makeApiVersionsRequest,
  makeDescribeConfigsRequest,
  makeMetadataRequest,
  type ApiVersionsResponse,
  type DescribeConfigsResponse,
  type MetadataResponse,
} from '@tributary/kafka-protocol';
import { createTempDir, createTestPki, type TempDir, type TestPki } from '@tributary/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLog, type CapturedLog } from './support/capture-log.js';
import { RawClient } from './support/raw-client.js';
import { saslAuthenticate } from './support/sasl-client.js';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';

let tmp: TempDir;
let pki: TestPki;
let keystore: string;
let tb: TestBroker;
let log: CapturedLog;
let ca: Buffer;

beforeAll(async () => {
  tmp = await createTempDir('tributary-tls-');
  pki = await createTestPki(tmp.path);
  const server = await pki.issue('broker');
  keystore = join(tmp.path, 'live.keystore.pem');
  await writeFile(keystore, await readText(server.keystore));
  ca = Buffer.from(await readText(pki.caFile));
  log = captureLog();
  tb = await startTestBroker({ 'ssl.keystore.location': keystore }, undefined, 0, {
    extraArgs: ['--listen', 'SSL://127.0.0.1:0', '--listen', 'SASL_SSL://127.0.0.1:0'],
    log,
  });
  await tb.broker.context.credentials.upsert('tls-app', {
    secret: 'tls-app-secret-0123456789',
    expiresAt: null,
    principal: null,
  });
});
afterAll(async () => {
  await tb?.stop();
  await tmp?.remove();
});

function readText(file: string): Promise<string> {
  return readFile(file, 'utf8');
}

async function apiVersionsWorks(c: RawClient): Promise<boolean> {
  const v = await c.call<ApiVersionsResponse>(ApiKey.ApiVersions, 0, makeApiVersionsRequest());
  return v.errorCode === ErrorCode.NONE;
}

function peerFingerprint(c: RawClient): string {
  return (c.rawSocket as TLSSocket).getPeerX509Certificate()!.fingerprint256;
}

describe('TLS listeners', () => {
  it('serves a client that trusts the CA, with the listener it came in on in Metadata', async () => {
    const port = tb.listenerPort('SSL');
    const c = await RawClient.connectTls(port, { ca });
    expect(await apiVersionsWorks(c)).toBe(true);
    const m = await c.call<MetadataResponse>(
      ApiKey.Metadata,
      12,
      makeMetadataRequest({ topics: null }),
    );
    expect(m.brokers[0]).toMatchObject({ host: '127.0.0.1', port });
    expect(
      tb.broker.context.connections.list().find((i) => i.listener.name === 'SSL'),
    ).toMatchObject({
      principal: 'User:ANONYMOUS',
      authenticated: true,
    });
    c.close();
  });

  it('authenticates SASL over TLS (SASL_SSL + PLAIN)', async () => {
    const c = await RawClient.connectTls(tb.listenerPort('SASL_SSL'), { ca });
    const { response } = await saslAuthenticate(c, 'PLAIN', 'tls-app', 'tls-app-secret-0123456789');
    expect(response?.errorCode).toBe(ErrorCode.NONE);
    const m = await c.call<MetadataResponse>(
      ApiKey.Metadata,
      12,
      makeMetadataRequest({ topics: null }),
    );
    expect(m.brokers[0].port).toBe(tb.listenerPort('SASL_SSL'));
    c.close();
  });

  it('closes plaintext, garbage and untrusting clients, and keeps serving', async () => {
    for (const listener of ['SSL', 'SASL_SSL']) {
      const port = tb.listenerPort(listener);
      const plain = await RawClient.connect(port);
      plain.send(plain.frame(ApiKey.ApiVersions, 0, makeApiVersionsRequest()));
      expect(await plain.next()).toBeNull();
      const garbage = await RawClient.connect(port);
      garbage.send(Buffer.from('\x16\x03\x01\x00\x05hello-garbage-garbage', 'latin1'));
      await garbage.waitClosed();
      await expect(RawClient.connectTls(port, {})).rejects.toThrow(/self[- ]signed|certificate/i);
    }
    const c = await RawClient.connectTls(tb.listenerPort('SSL'), { ca });
    expect(await apiVersionsWorks(c)).toBe(true);
    c.close();
  });

  it('reloads a replaced certificate for new connections; open ones keep theirs', async () => {
    const port = tb.listenerPort('SSL');
    const old = await RawClient.connectTls(port, { ca });
    const oldFingerprint = peerFingerprint(old);
    expect(oldFingerprint).toBe(tb.broker.tls!.fingerprint);

    const next = await pki.issue('broker-v2');
    // As Kubernetes and editors do: write elsewhere, rename over the key store.
    const staging = join(tmp.path, 'staging.pem');
    await writeFile(staging, await readText(next.keystore));
    await rename(staging, keystore);

    const deadline = Date.now() + 10_000;
    let seen = oldFingerprint;
    while (seen !== next.fingerprint256 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      const probe = await RawClient.connectTls(port, { ca });
      seen = peerFingerprint(probe);
      probe.close();
    }
    expect(seen).toBe(next.fingerprint256);
    expect(tb.broker.tls!.fingerprint).toBe(next.fingerprint256);
    // The connection opened before the reload still works.
    expect(await apiVersionsWorks(old)).toBe(true);
    old.close();
  });

  it('ignores a broken key store write and keeps serving the current certificate', async () => {
    const current = tb.broker.tls!.fingerprint;
    await writeFile(keystore, '-----BEGIN PRIVATE KEY-----\ntruncated');
    await log.waitFor(/TLS reload failed, still serving/, 5000);
    const c = await RawClient.connectTls(tb.listenerPort('SSL'), { ca });
    expect(peerFingerprint(c)).toBe(current);
    expect(await apiVersionsWorks(c)).toBe(true);
    c.close();
  });
});

describe('TLS configuration', () => {
  it('decrypts an encrypted private key with ssl.key.password', async () => {
    const cert = await pki.issue('encrypted', { keyPassword: 'key-pass-123' });
    expect(await readText(cert.keystore)).toContain('ENCRYPTED PRIVATE KEY');
    const b = await startTestBroker(
      { 'ssl.keystore.location': cert.keystore, 'ssl.key.password': 'key-pass-123' },
      undefined,
      0,
      { extraArgs: ['--listen', 'SSL://127.0.0.1:0'] },
    );
    try {
      const c = await RawClient.connectTls(b.listenerPort('SSL'), { ca });
      expect(peerFingerprint(c)).toBe(cert.fingerprint256);
      // DescribeConfigs never shows the password (Kafka: PASSWORD type, sensitive, no value).
      const d = await c.call<DescribeConfigsResponse>(
        ApiKey.DescribeConfigs,
        4,
        makeDescribeConfigsRequest({
          resources: [
            { resourceType: 4, resourceName: '1', configurationKeys: ['ssl.key.password'] },
          ],
          includeSynonyms: true,
        }),
      );
      const entry = d.results[0].configs[0];
      expect(entry).toMatchObject({ name: 'ssl.key.password', value: null, isSensitive: true });
      expect(JSON.stringify(d)).not.toContain('key-pass-123');
      c.close();
    } finally {
      await b.stop();
    }
  });

  it('refuses to start a TLS listener without usable key material', async () => {
    const cert = await pki.issue('mismatch');
    const other = await pki.issue('other');
    const mismatched = join(tmp.path, 'mismatched.pem');
    await writeFile(mismatched, (await readText(other.key)) + (await readText(cert.cert)));
    const encrypted = await pki.issue('locked', { keyPassword: 'right' });
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{}, /SSL needs ssl.keystore.location/],
      [{ 'ssl.keystore.location': join(tmp.path, 'missing.pem') }, /ENOENT/],
      [{ 'ssl.keystore.location': cert.cert }, /expected one private key/],
      [{ 'ssl.keystore.location': mismatched }, /key values mismatch|mismatch/i],
      [
        { 'ssl.keystore.location': encrypted.keystore, 'ssl.key.password': 'wrong' },
        /decrypt|bad/i,
      ],
      [{ 'ssl.keystore.location': cert.keystore, 'ssl.keystore.type': 'JKS' }, /only PEM/],
      [{ 'ssl.keystore.location': cert.keystore, 'ssl.client.auth': 'required' }, /truststore/],
    ];
    for (const [props, error] of cases) {
      await expect(
        startTestBroker(props, undefined, 0, { extraArgs: ['--listen', 'SSL://127.0.0.1:0'] }),
        JSON.stringify(props),
      ).rejects.toThrow(error);
    }
  });

  it('ssl.client.auth=required: no certificate, no connection; a trusted one names the principal', async () => {
    const server = await pki.issue('mtls-server');
    const client = await pki.issue('client-1', { subject: '/O=Tributary/OU=Tests/CN=client-1' });
    const strangers = await createTestPki(await tmpSub('strangers'), 'Stranger CA');
    const stranger = await strangers.issue('stranger');
    const b = await startTestBroker(
      {
        'ssl.keystore.location': server.keystore,
        'ssl.truststore.location': pki.caFile,
        'ssl.client.auth': 'required',
      },
      undefined,
      0,
      { extraArgs: ['--listen', 'SSL://127.0.0.1:0'] },
    );
    try {
      const port = b.listenerPort('SSL');
      const anonymous = await tryConnect(port, {});
      expect(anonymous).toBe('refused');
      const untrusted = await tryConnect(port, {
        key: await readText(stranger.key),
        cert: await readText(stranger.cert),
      });
      expect(untrusted).toBe('refused');
      const c = await RawClient.connectTls(port, {
        ca,
        key: await readText(client.key),
        cert: await readText(client.cert),
      });
      expect(await apiVersionsWorks(c)).toBe(true);
      const info = b.broker.context.connections.list().find((i) => i.listener.name === 'SSL');
      expect(info?.principal).toBe('User:CN=client-1,OU=Tests,O=Tributary');
      c.close();
    } finally {
      await b.stop();
    }
  });
});

async function tmpSub(name: string): Promise<string> {
  const dir = join(tmp.path, name);
  await mkdir(dir);
  return dir;
}

/** Connects and sends ApiVersions: 'served' if answered, 'refused' if the broker hangs up. */
function tryConnect(port: number, creds: { key?: string; cert?: string }): Promise<string> {
  return new Promise((resolve) => {
    const s = connectTls({ port, host: '127.0.0.1', servername: 'localhost', ca, ...creds });
    s.on('error', () => resolve('refused'));
    s.on('close', () => resolve('refused'));
    s.on('secureConnect', () => {
      const frame = Buffer.from('0000000e0012000000000001000474657374', 'hex');
      s.write(frame);
    });
    s.on('data', () => {
      resolve('served');
      s.destroy();
    });
  });
}
