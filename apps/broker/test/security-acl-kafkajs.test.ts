/**
 * ACLs as kafkajs 2.2.4 sees them: a principal with READ but not WRITE consumes but cannot
 * produce; a PREFIXED ALLOW with a LITERAL DENY resolves as Kafka does; consumer groups need
 * GROUP READ; listing topics hides what a principal may not DESCRIBE; the admin client's
 * createAcls / describeAcls / deleteAcls. Every client authenticates as its principal over
 * SASL_PLAINTEXT (SCRAM-SHA-512; the super user `admin` with PLAIN), with API keys created
 * through the admin endpoint (support/sasl-principals.ts).
 */
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  ResourcePatternTypes,
  logLevel,
  type Admin,
  type Consumer,
} from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBroker } from './support/in-process-broker.js';
import { Principals, startSaslBroker } from './support/sasl-principals.js';

const NAMES = ['admin', 'alice', 'bob', 'carol', 'dave', 'erin', 'nobody'];
let tb: TestBroker;
let principals: Principals;
let admin: Admin;
const cleanup: Array<() => Promise<void>> = [];

/** Kafka error types kafkajs logged (some errors, e.g. FindCoordinator's, are only logged). */
const loggedErrorTypes: string[] = [];

function kafka(name: string): Kafka {
  return new Kafka({
    ...principals.kafkajs(name, name === 'admin' ? 'plain' : 'scram-sha-512'),
    logLevel: logLevel.DEBUG,
    logCreator: () => (entry) => {
      const type = (entry.log.error as { type?: string } | undefined)?.type;
      if (type) loggedErrorTypes.push(type);
    },
    retry: { initialRetryTime: 50, retries: 3 },
  });
}

async function adminFor(name: string): Promise<Admin> {
  const a = kafka(name).admin();
  await a.connect();
  cleanup.push(() => a.disconnect());
  return a;
}

const acl = (
  principal: string,
  resourceType: AclResourceTypes,
  resourceName: string,
  operation: AclOperationTypes,
  opts: { pattern?: ResourcePatternTypes; deny?: boolean } = {},
) => ({
  resourceType,
  resourceName,
  resourcePatternType: opts.pattern ?? ResourcePatternTypes.LITERAL,
  principal: `User:${principal}`,
  host: '*',
  operation,
  permissionType: opts.deny ? AclPermissionTypes.DENY : AclPermissionTypes.ALLOW,
});

async function produce(name: string, topic: string, values: string[]): Promise<void> {
  const producer = kafka(name).producer({ retry: { retries: 0 } });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
  } finally {
    await producer.disconnect();
  }
}

/** The Kafka error name of a kafkajs error (its own, or its cause's when kafkajs wrapped it). */
function kafkaErrorType(e: unknown): string | undefined {
  const err = e as { type?: string; cause?: { type?: string } } | null;
  return err?.type ?? err?.cause?.type;
}

async function produceError(name: string, topic: string): Promise<string | undefined> {
  return produce(name, topic, ['x']).then(
    () => 'no error',
    (e: unknown) => kafkaErrorType(e),
  );
}

/** Runs a consumer until it has `count` values or crashes; returns what happened. */
async function consume(
  name: string,
  groupId: string,
  topic: string,
  count: number,
): Promise<{ values: string[]; crash: { type?: string; message: string } | null }> {
  const consumer: Consumer = kafka(name).consumer({
    groupId,
    sessionTimeout: 6_000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 100,
    retry: { retries: 0 },
  });
  const values: string[] = [];
  let crash: { type?: string; message: string } | null = null;
  await consumer.connect();
  try {
    const done = new Promise<void>((resolve) => {
      consumer.on(consumer.events.CRASH, (e) => {
        const error = e.payload.error;
        crash = { type: kafkaErrorType(error), message: error.message };
        resolve();
      });
      void consumer.subscribe({ topic, fromBeginning: true }).then(() =>
        consumer.run({
          eachMessage: async ({ message }) => {
            values.push(message.value?.toString() ?? '');
            if (values.length >= count) resolve();
          },
        }),
      );
    });
    await Promise.race([done, new Promise((r) => setTimeout(r, 20_000))]);
  } finally {
    await consumer.disconnect();
  }
  return { values, crash };
}

beforeAll(async () => {
  tb = await startSaslBroker({ 'authorizer.enabled': 'true', 'super.users': 'User:admin' });
  principals = new Principals(tb);
  await principals.ensure(...NAMES);
  admin = await adminFor('admin');
  await admin.createTopics({
    topics: ['events', 'orders-eu', 'orders-secret', 'payments'].map((topic) => ({ topic })),
  });
  await admin.createAcls({
    acl: [
      acl('alice', AclResourceTypes.TOPIC, 'events', AclOperationTypes.READ),
      acl('alice', AclResourceTypes.GROUP, 'alice-', AclOperationTypes.READ, {
        pattern: ResourcePatternTypes.PREFIXED,
      }),
      acl('carol', AclResourceTypes.TOPIC, 'orders-', AclOperationTypes.ALL, {
        pattern: ResourcePatternTypes.PREFIXED,
      }),
      acl('carol', AclResourceTypes.TOPIC, 'orders-secret', AclOperationTypes.WRITE, {
        deny: true,
      }),
      acl('dave', AclResourceTypes.TOPIC, 'events', AclOperationTypes.READ),
      acl('dave', AclResourceTypes.GROUP, 'dave-describe', AclOperationTypes.DESCRIBE),
    ],
  });
  await produce('admin', 'events', ['e1', 'e2', 'e3']);
});

afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  await tb.stop();
});

describe('kafkajs with ACLs', () => {
  it('READ without WRITE: the producer gets TOPIC_AUTHORIZATION_FAILED, the consumer reads', async () => {
    expect(await produceError('alice', 'events')).toBe('TOPIC_AUTHORIZATION_FAILED');
    const consumed = await consume('alice', 'alice-readers', 'events', 3);
    expect(consumed.crash).toBeNull();
    expect(consumed.values).toEqual(['e1', 'e2', 'e3']);
  });

  it('PREFIXED ALLOW + LITERAL DENY: denied on the literal topic, allowed on the others', async () => {
    await expect(produce('carol', 'orders-eu', ['o1'])).resolves.toBeUndefined();
    expect(await produceError('carol', 'orders-secret')).toBe('TOPIC_AUTHORIZATION_FAILED');
    // The DENY is on WRITE only: carol still reads the topic (ALL on the prefix).
    const offsets = await (await adminFor('carol')).fetchTopicOffsets('orders-secret');
    expect(offsets).toEqual([expect.objectContaining({ partition: 0, high: '0' })]);
    // Not even DESCRIBE on payments: kafkajs stops at Metadata, with the same error.
    expect(await produceError('carol', 'payments')).toBe('TOPIC_AUTHORIZATION_FAILED');
  });

  it('consumer groups need GROUP READ', async () => {
    // No ACL on the group: FindCoordinator already refuses it (DESCRIBE is implied by READ).
    // kafkajs reports that as "Failed to find group coordinator" and only logs the Kafka error.
    loggedErrorTypes.length = 0;
    const none = await consume('dave', 'dave-none', 'events', 1);
    expect(none.crash?.message).toBe('Failed to find group coordinator');
    expect(loggedErrorTypes).toContain('GROUP_AUTHORIZATION_FAILED');
    expect(none.values).toEqual([]);
    // DESCRIBE only: the coordinator is found, JoinGroup is refused.
    const describeOnly = await consume('dave', 'dave-describe', 'events', 1);
    expect(describeOnly.crash?.type).toBe('GROUP_AUTHORIZATION_FAILED');
    // Granted READ on the group, the same consumer works.
    await admin.createAcls({
      acl: [acl('dave', AclResourceTypes.GROUP, 'dave-describe', AclOperationTypes.READ)],
    });
    const granted = await consume('dave', 'dave-describe', 'events', 3);
    expect(granted.crash).toBeNull();
    expect(granted.values).toEqual(['e1', 'e2', 'e3']);
  });

  it('lists only the topics a principal may DESCRIBE; the super user sees all', async () => {
    expect((await admin.listTopics()).sort()).toEqual([
      'events',
      'orders-eu',
      'orders-secret',
      'payments',
    ]);
    expect((await (await adminFor('alice')).listTopics()).sort()).toEqual(['events']);
    expect((await (await adminFor('carol')).listTopics()).sort()).toEqual([
      'orders-eu',
      'orders-secret',
    ]);
    expect(await (await adminFor('nobody')).listTopics()).toEqual([]);
  });

  it('manages ACLs through the admin client, and refuses a principal without CLUSTER ALTER', async () => {
    const filter = {
      resourceType: AclResourceTypes.TOPIC,
      resourceName: 'kjs',
      resourcePatternType: ResourcePatternTypes.MATCH,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    };
    await admin.createAcls({
      acl: [
        acl('erin', AclResourceTypes.TOPIC, 'kjs', AclOperationTypes.READ),
        acl('erin', AclResourceTypes.TOPIC, 'kj', AclOperationTypes.WRITE, {
          pattern: ResourcePatternTypes.PREFIXED,
        }),
      ],
    });
    const described = await admin.describeAcls(filter);
    expect(
      described.resources.map((r) => [r.resourceName, r.resourcePatternType, r.acls.length]),
    ).toEqual([
      ['kjs', ResourcePatternTypes.LITERAL, 1],
      ['kj', ResourcePatternTypes.PREFIXED, 1],
    ]);
    const deleted = await admin.deleteAcls({ filters: [filter] });
    expect(deleted.filterResponses[0].errorCode).toBe(0);
    expect(deleted.filterResponses[0].matchingAcls.map((m) => m.resourceName)).toEqual([
      'kjs',
      'kj',
    ]);
    expect((await admin.describeAcls(filter)).resources).toEqual([]);

    const bob = await adminFor('bob');
    await expect(
      bob.createAcls({ acl: [acl('bob', AclResourceTypes.TOPIC, 'x', AclOperationTypes.ALL)] }),
    ).rejects.toMatchObject({ type: 'CLUSTER_AUTHORIZATION_FAILED' });
    await expect(bob.describeAcls(filter)).rejects.toMatchObject({
      type: 'CLUSTER_AUTHORIZATION_FAILED',
    });
  });
});
