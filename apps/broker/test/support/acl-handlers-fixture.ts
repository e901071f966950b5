/**
 * Shared set-up of the security-acl-*.test.ts files: a broker with the authorizer on, where
 * each client authenticates with SASL PLAIN as its principal (sasl-principals.ts): `admin` is a
 * super user, `alice` may READ topic `ro` and group `g-alice` and DESCRIBE topics prefixed
 * `alice-`, `carol` may WRITE topic `carol-w` and CREATE topics prefixed `carol-`, `bob` has
 * no ACL at all.
 */
import {
  ApiKey,
  ErrorCode,
  buildBatch,
  makeCreateAclsRequest,
  makeCreateAclsRequestAclCreation,
  makeCreateTopicsRequest,
  makeCreateTopicsRequestCreatableTopic,
  makeOffsetCommitRequest,
  makeOffsetCommitRequestPartition,
  makeOffsetCommitRequestTopic,
  makeProduceRequest,
  makeProduceRequestPartitionProduceData,
  makeProduceRequestTopicProduceData,
  type CreateAclsResponse,
  type CreateTopicsResponse,
  type OffsetCommitResponse,
  type ProduceResponse,
} from '@tributary/kafka-protocol';
import { afterAll, beforeAll, expect } from 'vitest';
import type { TestBroker } from './in-process-broker.js';
import type { RawClient } from './raw-client.js';
import { Principals, startSaslBroker } from './sasl-principals.js';

// Kafka codes (AclOperation, ResourceType, PatternType, AclPermissionType).
export const READ = 3;
export const WRITE = 4;
export const CREATE = 5;
export const DESCRIBE = 8;
const TOPIC = 2;
const GROUP = 3;
const LITERAL = 3;
const PREFIXED = 4;
const ALLOW = 3;
export const bits = (ops: number[]) => ops.reduce((m, op) => m | (1 << op), 0);
export const NOT_REQUESTED = -2147483648;

let broker: TestBroker;

/** The broker of the current test file. */
export const tb = (): TestBroker => broker;
let principals: Principals;
const clients = new Map<string, RawClient>();

async function as(name: string): Promise<RawClient> {
  let c = clients.get(name);
  if (!c) {
    c = await principals.raw(name);
    clients.set(name, c);
  }
  return c;
}

export async function call<T>(
  name: string,
  apiKey: number,
  version: number,
  body: unknown,
): Promise<T> {
  return (await as(name)).call<T>(apiKey, version, body);
}

function allowAcl(
  principal: string,
  resourceType: number,
  name: string,
  op: number,
  pattern = LITERAL,
) {
  return makeCreateAclsRequestAclCreation({
    resourceType,
    resourceName: name,
    resourcePatternType: pattern,
    principal: `User:${principal}`,
    host: '*',
    operation: op,
    permissionType: ALLOW,
  });
}

async function createTopic(name: string, partitions = 1): Promise<void> {
  const res = await call<CreateTopicsResponse>(
    'admin',
    ApiKey.CreateTopics,
    7,
    makeCreateTopicsRequest({
      topics: [
        makeCreateTopicsRequestCreatableTopic({
          name,
          numPartitions: partitions,
          replicationFactor: 1,
        }),
      ],
      timeoutMs: 1000,
    }),
  );
  expect(res.topics[0].errorCode).toBe(ErrorCode.NONE);
}

export const produceRequest = (topic: string, transactionalId: string | null = null) =>
  makeProduceRequest({
    transactionalId,
    acks: -1,
    timeoutMs: 1000,
    topicData: [
      makeProduceRequestTopicProduceData({
        name: topic,
        partitionData: [
          makeProduceRequestPartitionProduceData({
            index: 0,
            records: buildBatch({ records: [{ value: Buffer.from('v') }] }),
          }),
        ],
      }),
    ],
  });

/** Registers the shared broker, principals, topics and ACLs for the calling test file. */
export function useAclFixture(): void {
  beforeAll(async () => {
    broker = await startSaslBroker({ 'authorizer.enabled': 'true', 'super.users': 'User:admin' });
    principals = new Principals(broker);
    for (const t of ['ro', 'secret', 'carol-w', 'alice-1']) await createTopic(t);
    const res = await call<CreateAclsResponse>(
      'admin',
      ApiKey.CreateAcls,
      3,
      makeCreateAclsRequest({
        creations: [
          allowAcl('alice', TOPIC, 'ro', READ),
          allowAcl('alice', GROUP, 'g-alice', READ),
          allowAcl('alice', TOPIC, 'alice-', DESCRIBE, PREFIXED),
          allowAcl('carol', TOPIC, 'carol-w', WRITE),
          allowAcl('carol', TOPIC, 'carol-', CREATE, PREFIXED),
        ],
      }),
    );
    expect(res.results.map((r) => r.errorCode)).toEqual([0, 0, 0, 0, 0]);
    // Data and a committed offset for 'secret' in alice's group, written by the super user.
    const produced = await call<ProduceResponse>('admin', ApiKey.Produce, 9, produceRequest('ro'));
    expect(produced.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE);
    const commit = await call<OffsetCommitResponse>(
      'admin',
      ApiKey.OffsetCommit,
      8,
      makeOffsetCommitRequest({
        groupId: 'g-alice',
        topics: ['ro', 'secret'].map((name) =>
          makeOffsetCommitRequestTopic({
            name,
            partitions: [
              makeOffsetCommitRequestPartition({ partitionIndex: 0, committedOffset: 1 }),
            ],
          }),
        ),
      }),
    );
    expect(commit.topics.flatMap((t) => t.partitions.map((p) => p.errorCode))).toEqual([0, 0]);
  });

  afterAll(async () => {
    principals.closeAll();
    await broker.stop();
  });
}
