/**
 * ACLs as the Apache Kafka Java client 4.x sees them, authenticated with SCRAM-SHA-256 over
 * SASL_PLAINTEXT as API keys created through the admin endpoint: the idempotent producer needs
 * WRITE on some topic to get a producer id, then gets TopicAuthorizationException on a topic
 * it may only READ, while a consumer group member with READ on the topic and the group
 * consumes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ProcessError,
  consumeGroup,
  ensureJavaTools,
  parseJsonLines,
  produceIdempotent,
} from '@tributary/testing';
import type { TestBroker } from './support/in-process-broker.js';
import { ADMIN_TOKEN, Principals, startSaslBroker } from './support/sasl-principals.js';

let tb: TestBroker;
let principals: Principals;

async function post(body: unknown): Promise<void> {
  const res = await fetch(`${tb.adminUrl}/v1/acls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
}

const allow = (
  resourceType: string,
  resourceName: string,
  operation: string,
  principal = 'User:jay',
) => ({
  resourceType,
  resourceName,
  principal,
  operation,
  permissionType: 'ALLOW',
});

interface Outcome {
  acked: number;
  errors: number;
  firstError: string | null;
}

/** Runs the producer; a failing run is a ProcessError whose stdout has the summary (or stderr the exception). */
async function produce(principal: string, topic: string): Promise<Outcome> {
  const options = {
    count: 5,
    properties: {
      ...principals.java(principal),
      'delivery.timeout.ms': '10000',
      'request.timeout.ms': '5000',
      'max.block.ms': '10000',
    },
    timeoutMs: 60_000,
  };
  try {
    return (await produceIdempotent(principals.bootstrap, topic, options)).summary;
  } catch (e) {
    if (!(e instanceof ProcessError)) throw e;
    const lines = parseJsonLines(e.result.stdout.toString('utf8'));
    const summary = lines.find((l) => l.type === 'summary');
    if (summary) return summary as unknown as Outcome;
    // A fatal producer error can also surface from send() itself, before any summary.
    const thrown = /\b(\w+Exception): /.exec(e.result.stderr);
    if (!thrown) throw e;
    return { acked: 0, errors: 1, firstError: `${thrown[1]}: (thrown by send)` };
  }
}

beforeAll(async () => {
  await ensureJavaTools();
  tb = await startSaslBroker({ 'authorizer.enabled': 'true', 'super.users': 'User:admin' });
  principals = new Principals(tb);
  await principals.ensure('admin', 'jay', 'ro');
  await tb.broker.context.topics.create('jay-read', 1, new Map());
  await tb.broker.context.topics.create('jay-write', 1, new Map());
  await post([
    allow('TOPIC', 'jay-read', 'READ'),
    allow('TOPIC', 'jay-write', 'WRITE'),
    allow('GROUP', 'jay-group', 'READ'),
    allow('TOPIC', 'jay-read', 'READ', 'User:ro'),
  ]);
}, 300_000);

afterAll(async () => {
  await tb?.stop();
});

describe('Java client 4.x with ACLs', () => {
  it('produces with WRITE; gets TopicAuthorizationException with READ only', async () => {
    const ok = await produce('admin', 'jay-read');
    expect(ok).toMatchObject({ acked: 5, errors: 0 });
    const written = await produce('jay', 'jay-write');
    expect(written).toMatchObject({ acked: 5, errors: 0 });
    const refused = await produce('jay', 'jay-read');
    expect(refused.acked).toBe(0);
    expect(refused.firstError).toMatch(/^TopicAuthorizationException: .*jay-read/);
  }, 120_000);

  it('cannot even get a producer id without WRITE on any topic (KIP-679)', async () => {
    const refused = await produce('ro', 'jay-read');
    expect(refused.acked).toBe(0);
    expect(refused.firstError).toMatch(/^ClusterAuthorizationException/);
  }, 120_000);

  it('consumes in a group with READ on the topic and the group', async () => {
    const consumed = await consumeGroup(principals.bootstrap, 'jay-read', {
      group: 'jay-group',
      maxRecords: 5,
      autoOffsetReset: 'earliest',
      valueFormat: 'none',
      properties: principals.java('jay'),
    });
    expect(consumed.summary.consumed).toBe(5);
    expect(consumed.summary.committed).toEqual({ '0': 5 });
  }, 120_000);
});
