/**
 * Clients that are a given Kafka principal, for ACL tests: the broker gets a SASL_PLAINTEXT
 * listener and the admin endpoint, and the first time a name is used its API key is created
 * through the admin endpoint's credential route (PUT /v1/credentials/<name>), so a client that
 * authenticates with it is `User:<name>`, exactly as a tenant's client would be. Connections
 * on the PLAINTEXT listener stay `User:ANONYMOUS`.
 */
import type { KafkaConfig } from 'kafkajs';
import { expect } from 'vitest';
import { ErrorCode } from '@tributary/kafka-protocol';
import { startTestBroker, type TestBroker } from './in-process-broker.js';
import { RawClient } from './raw-client.js';
import { saslAuthenticate } from './sasl-client.js';

export const ADMIN_TOKEN = 'acl-tests-pool-token-0123456789';
export const PRINCIPAL_SECRET = 'acl-tests-secret-0123456789';
const LISTENER = 'SASL_PLAINTEXT';

/** An in-process broker with a SASL_PLAINTEXT listener (after the PLAINTEXT one) and the admin endpoint. */
export function startSaslBroker(
  props: Record<string, string> = {},
  dataDir?: string,
): Promise<TestBroker> {
  return startTestBroker(props, dataDir, 0, {
    adminToken: ADMIN_TOKEN,
    extraArgs: ['--listen', `${LISTENER}://127.0.0.1:0`],
  });
}

export class Principals {
  private readonly created = new Set<string>();
  private readonly open: RawClient[] = [];

  constructor(private tb: TestBroker) {}

  /** After a restart: the same keys (they persist in the data dir), the new broker. */
  rebind(tb: TestBroker): void {
    this.tb = tb;
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.tb.listenerPort(LISTENER)}`;
  }

  /** Creates the API keys of these names (once each) through the admin endpoint. */
  async ensure(...names: string[]): Promise<void> {
    for (const name of names) {
      if (this.created.has(name)) continue;
      const res = await fetch(`${this.tb.adminUrl}/v1/credentials/${name}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ secret: PRINCIPAL_SECRET }),
      });
      expect(res.status, `PUT /v1/credentials/${name}`).toBeLessThan(300);
      this.created.add(name);
    }
  }

  /** A raw client authenticated (SASL PLAIN) as User:<name>; closed by closeAll(). */
  async raw(name: string): Promise<RawClient> {
    await this.ensure(name);
    const c = await RawClient.connect(this.tb.listenerPort(LISTENER));
    const auth = await saslAuthenticate(c, 'PLAIN', name, PRINCIPAL_SECRET);
    expect(auth.response?.errorCode, `SASL as ${name}`).toBe(ErrorCode.NONE);
    this.open.push(c);
    return c;
  }

  /** kafkajs settings for User:<name> (call ensure(name) first). */
  kafkajs(
    name: string,
    mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512' = 'plain',
  ): KafkaConfig {
    return {
      clientId: `acl-${name}`,
      brokers: [this.bootstrap],
      sasl: { mechanism, username: name, password: PRINCIPAL_SECRET } as KafkaConfig['sasl'],
    };
  }

  /** Java client properties for User:<name> (call ensure(name) first). */
  java(
    name: string,
    mechanism: 'PLAIN' | 'SCRAM-SHA-256' = 'SCRAM-SHA-256',
  ): Record<string, string> {
    const module =
      mechanism === 'PLAIN'
        ? 'org.apache.kafka.common.security.plain.PlainLoginModule'
        : 'org.apache.kafka.common.security.scram.ScramLoginModule';
    return {
      'security.protocol': 'SASL_PLAINTEXT',
      'sasl.mechanism': mechanism,
      'sasl.jaas.config': `${module} required username="${name}" password="${PRINCIPAL_SECRET}";`,
    };
  }

  closeAll(): void {
    for (const c of this.open.splice(0)) c.close();
  }
}
