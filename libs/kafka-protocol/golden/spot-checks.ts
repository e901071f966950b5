/**
 * Spot checks for src/golden.test.ts: decoded values of each API's golden frames compared with
 * what the capture session did (topic and group names, the advertised host and port, the
 * cluster id, record batch magic, error codes). Round trips cannot catch a field that read and
 * write misplace the same way; these do.
 */
import { expect } from 'vitest';
import { loadSession } from './fixtures.js';
import { Reader } from '../src/codec/reader.js';
import type { AlterConfigsRequest, AlterConfigsResponse } from '../src/generated/alter-configs.js';
import { ApiKey } from '../src/generated/api-keys.js';
import type { ApiVersionsRequest, ApiVersionsResponse } from '../src/generated/api-versions.js';
import type {
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
} from '../src/generated/consumer-group-heartbeat.js';
import { readConsumerProtocolAssignment } from '../src/generated/consumer-protocol-assignment.js';
import { readConsumerProtocolSubscription } from '../src/generated/consumer-protocol-subscription.js';
import type {
  CreatePartitionsRequest,
  CreatePartitionsResponse,
} from '../src/generated/create-partitions.js';
import type { CreateTopicsRequest, CreateTopicsResponse } from '../src/generated/create-topics.js';
import type { DeleteGroupsRequest, DeleteGroupsResponse } from '../src/generated/delete-groups.js';
import type {
  DeleteRecordsRequest,
  DeleteRecordsResponse,
} from '../src/generated/delete-records.js';
import type { DeleteTopicsRequest, DeleteTopicsResponse } from '../src/generated/delete-topics.js';
import type {
  DescribeClusterRequest,
  DescribeClusterResponse,
} from '../src/generated/describe-cluster.js';
import type {
  DescribeConfigsRequest,
  DescribeConfigsResponse,
} from '../src/generated/describe-configs.js';
import type {
  DescribeGroupsRequest,
  DescribeGroupsResponse,
} from '../src/generated/describe-groups.js';
import type {
  DescribeTopicPartitionsRequest,
  DescribeTopicPartitionsResponse,
} from '../src/generated/describe-topic-partitions.js';
import { ErrorCode } from '../src/generated/error-codes.js';
import type { FetchRequest, FetchResponse } from '../src/generated/fetch.js';
import type {
  FindCoordinatorRequest,
  FindCoordinatorResponse,
} from '../src/generated/find-coordinator.js';
import type { HeartbeatRequest, HeartbeatResponse } from '../src/generated/heartbeat.js';
import type {
  InitProducerIdRequest,
  InitProducerIdResponse,
} from '../src/generated/init-producer-id.js';
import type { JoinGroupRequest, JoinGroupResponse } from '../src/generated/join-group.js';
import type { LeaveGroupRequest, LeaveGroupResponse } from '../src/generated/leave-group.js';
import type { ListGroupsRequest, ListGroupsResponse } from '../src/generated/list-groups.js';
import type { ListOffsetsRequest, ListOffsetsResponse } from '../src/generated/list-offsets.js';
import type { MetadataRequest, MetadataResponse } from '../src/generated/metadata.js';
import type { OffsetCommitRequest, OffsetCommitResponse } from '../src/generated/offset-commit.js';
import type { OffsetFetchRequest, OffsetFetchResponse } from '../src/generated/offset-fetch.js';
import type {
  OffsetForLeaderEpochRequest,
  OffsetForLeaderEpochResponse,
} from '../src/generated/offset-for-leader-epoch.js';
import type { ProduceRequest, ProduceResponse } from '../src/generated/produce.js';
import type { SyncGroupRequest, SyncGroupResponse } from '../src/generated/sync-group.js';
import type { RecordsData } from '../src/codec/writer.js';

export interface SpotContext {
  /** API version of the frame. */
  v: number;
  topics: string[];
  groups: string[];
}
type Check<T> = (body: T, c: SpotContext) => void;

/** Request and response checks by API key. */
export const SPOT_CHECKS = new Map<number, { request: Check<unknown>; response: Check<unknown> }>();
function spot<Req, Res>(key: number, request: Check<Req>, response: Check<Res>): void {
  SPOT_CHECKS.set(key, {
    request: (b, c) => request(b as Req, c),
    response: (b, c) => response(b as Res, c),
  });
}

const session = loadSession();
const { advertisedHost: HOST, advertisedPort: PORT, nodeId: NODE, clusterId } = session;
const OK = ErrorCode.NONE;
const expectNode = (n: { host: string; port: number }): void =>
  expect([n.host, n.port]).toEqual([HOST, PORT]);
const expectIn = (value: string | null, list: string[]): void => expect(list).toContain(value);

/** A v2 record batch: baseOffset, batchLength covering the rest, magic 2 at byte 16. */
function expectBatch(records: RecordsData): void {
  expect(Buffer.isBuffer(records)).toBe(true);
  const b = records as Buffer;
  expect(b.length).toBeGreaterThanOrEqual(61);
  expect(b[16], 'magic').toBe(2);
  expect(Number(b.readBigInt64BE(0))).toBeGreaterThanOrEqual(0);
  expect(b.readInt32BE(8) + 12).toBeLessThanOrEqual(b.length);
  expect(b.readInt32BE(57), 'record count').toBeGreaterThan(0);
}

/** Consumer protocol bytes inside JoinGroup/SyncGroup: int16 version, then the struct. */
function readEmbedded<T>(bytes: Buffer, read: (r: Reader, version: number) => T): T {
  const r = new Reader(bytes.subarray(2));
  const value = read(r, bytes.readInt16BE(0));
  expect(r.remaining).toBe(0);
  return value;
}

spot<ApiVersionsRequest, ApiVersionsResponse>(
  ApiKey.ApiVersions,
  (q, c) => {
    if (c.v >= 3) expect(q.clientSoftwareName).toMatch(/^(apache-kafka-java|librdkafka)$/);
  },
  (s) => {
    expect(s.errorCode).toBe(OK);
    const keys = s.apiKeys.map((k) => k.apiKey);
    expect(keys).toContain(ApiKey.Produce);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    const produce = s.apiKeys.find((k) => k.apiKey === ApiKey.Produce)!;
    expect(produce.minVersion).toBeLessThanOrEqual(3);
    expect(produce.maxVersion).toBeGreaterThanOrEqual(11);
  },
);
spot<MetadataRequest, MetadataResponse>(
  ApiKey.Metadata,
  (q, c) => {
    for (const t of q.topics ?? []) if (t.name !== null) expectIn(t.name, c.topics);
  },
  (s, c) => {
    expect(s.brokers).toHaveLength(1);
    expect(s.brokers[0].nodeId).toBe(NODE);
    expectNode(s.brokers[0]);
    if (c.v >= 2) expect(s.clusterId).toBe(clusterId);
    if (c.v >= 1) expect(s.controllerId).toBe(NODE);
    for (const t of s.topics.filter((t) => c.topics.includes(t.name ?? ''))) {
      expect(t.errorCode).toBe(OK);
      expect(t.partitions[0].leaderId).toBe(NODE);
      expect(t.partitions[0].replicaNodes).toEqual([NODE]);
    }
  },
);
spot<ProduceRequest, ProduceResponse>(
  ApiKey.Produce,
  (q, c) => {
    expect(q.acks).toBe(-1);
    expect(q.transactionalId).toBeNull();
    expectIn(q.topicData[0].name, c.topics);
    expectBatch(q.topicData[0].partitionData[0].records);
  },
  (s, c) => {
    expectIn(s.responses[0].name, c.topics);
    const p = s.responses[0].partitionResponses[0];
    expect(p.errorCode).toBe(OK);
    expect(p.baseOffset).toBeGreaterThanOrEqual(0);
    expect(p.logAppendTimeMs).toBe(-1);
  },
);
spot<FetchRequest, FetchResponse>(
  ApiKey.Fetch,
  (q, c) => {
    expect(c.v >= 15 ? q.replicaState.replicaId : q.replicaId).toBe(-1);
    expect(q.maxWaitMs).toBeGreaterThan(0);
    const t = q.topics[0];
    if (c.v >= 13) expect(t.topicId).toMatch(/^[0-9a-f]{8}-(?!0000-0000-0000-000000000000)/);
    else expectIn(t.topic, c.topics);
    expect(t.partitions[0].fetchOffset).toBeGreaterThanOrEqual(0);
  },
  (s) => {
    expect(s.errorCode).toBe(OK);
    const withRecords = s.responses
      .flatMap((t) => t.partitions)
      .filter((p) => Buffer.isBuffer(p.records) && p.records.length > 0);
    expect(withRecords.length).toBeGreaterThan(0);
    for (const p of withRecords) {
      expect(p.errorCode).toBe(OK);
      expectBatch(p.records);
      expect((p.records as Buffer).readBigInt64BE(0)).toBeLessThan(BigInt(p.highWatermark));
    }
  },
);
spot<ListOffsetsRequest, ListOffsetsResponse>(
  ApiKey.ListOffsets,
  (q, c) => {
    expect(q.replicaId).toBe(-1);
    expectIn(q.topics[0].name, c.topics);
    expect([-1, -2]).toContain(q.topics[0].partitions[0].timestamp);
  },
  (s, c) => {
    expectIn(s.topics[0].name, c.topics);
    expect(s.topics[0].partitions[0].errorCode).toBe(OK);
    expect(s.topics[0].partitions[0].offset).toBeGreaterThanOrEqual(0);
  },
);
spot<FindCoordinatorRequest, FindCoordinatorResponse>(
  ApiKey.FindCoordinator,
  (q, c) => {
    expect(q.keyType).toBe(0);
    expectIn(c.v >= 4 ? q.coordinatorKeys[0] : q.key, c.groups);
  },
  (s, c) => {
    const found = c.v >= 4 ? s.coordinators[0] : s;
    expect([found.errorCode, found.nodeId]).toEqual([OK, NODE]);
    expectNode(found);
    if (c.v >= 4) expectIn(s.coordinators[0].key, c.groups);
  },
);
spot<JoinGroupRequest, JoinGroupResponse>(
  ApiKey.JoinGroup,
  (q, c) => {
    expectIn(q.groupId, c.groups);
    expect(q.protocolType).toBe('consumer');
    expect(q.sessionTimeoutMs).toBeGreaterThan(0);
    expect(q.rebalanceTimeoutMs).toBeGreaterThan(0);
    const subscription = readEmbedded(q.protocols[0].metadata, readConsumerProtocolSubscription);
    expect(subscription.topics.some((t) => c.topics.includes(t))).toBe(true);
  },
  (s) => {
    expect(s.errorCode).toBe(OK);
    expect(s.generationId).toBeGreaterThanOrEqual(1);
    expect(s.memberId).not.toBe('');
    expect(s.protocolName).not.toBe('');
  },
);
spot<SyncGroupRequest, SyncGroupResponse>(
  ApiKey.SyncGroup,
  (q, c) => {
    expectIn(q.groupId, c.groups);
    expect(q.generationId).toBeGreaterThanOrEqual(1);
    expect(q.memberId).not.toBe('');
  },
  (s, c) => {
    expect(s.errorCode).toBe(OK);
    const assignment = readEmbedded(s.assignment, readConsumerProtocolAssignment);
    expectIn(assignment.assignedPartitions[0].topic, c.topics);
  },
);
spot<HeartbeatRequest, HeartbeatResponse>(
  ApiKey.Heartbeat,
  (q, c) => {
    expectIn(q.groupId, c.groups);
    expect(q.generationId).toBeGreaterThanOrEqual(1);
    expect(q.memberId).not.toBe('');
  },
  (s) => expect([OK, ErrorCode.REBALANCE_IN_PROGRESS]).toContain(s.errorCode),
);
spot<LeaveGroupRequest, LeaveGroupResponse>(
  ApiKey.LeaveGroup,
  (q, c) => {
    expectIn(q.groupId, c.groups);
    expect(c.v >= 3 ? q.members[0].memberId : q.memberId).not.toBe('');
  },
  (s, c) => {
    expect(s.errorCode).toBe(OK);
    if (c.v >= 3) expect(s.members[0].errorCode).toBe(OK);
  },
);
spot<OffsetCommitRequest, OffsetCommitResponse>(
  ApiKey.OffsetCommit,
  (q, c) => {
    expectIn(q.groupId, c.groups);
    expectIn(q.topics[0].name, c.topics);
    expect(q.topics[0].partitions[0].committedOffset).toBeGreaterThanOrEqual(0);
  },
  (s, c) => {
    expectIn(s.topics[0].name, c.topics);
    expect(s.topics[0].partitions[0].errorCode).toBe(OK);
  },
);
spot<OffsetFetchRequest, OffsetFetchResponse>(
  ApiKey.OffsetFetch,
  (q, c) => expectIn(c.v >= 8 ? q.groups[0].groupId : q.groupId, c.groups),
  (s, c) => {
    const topics = c.v >= 8 ? s.groups[0].topics : s.topics;
    expect(c.v >= 8 ? s.groups[0].errorCode : s.errorCode).toBe(OK);
    expectIn(topics[0].name, c.topics);
    expect(topics[0].partitions[0].errorCode).toBe(OK);
  },
);
spot<InitProducerIdRequest, InitProducerIdResponse>(
  ApiKey.InitProducerId,
  (q) => expect([q.transactionalId, q.producerId]).toEqual([null, -1]),
  (s) => {
    expect(s.errorCode).toBe(OK);
    expect(s.producerId).toBeGreaterThanOrEqual(0);
    expect(s.producerEpoch).toBe(0);
  },
);
spot<CreateTopicsRequest, CreateTopicsResponse>(
  ApiKey.CreateTopics,
  (q, c) => {
    expectIn(q.topics[0].name, c.topics);
    expect(q.topics[0].numPartitions).toBe(1);
  },
  (s, c) => {
    expectIn(s.topics[0].name, c.topics);
    expect(s.topics[0].errorCode).toBe(OK);
    if (c.v >= 5) {
      expect([s.topics[0].numPartitions, s.topics[0].replicationFactor]).toEqual([1, 1]);
      expect(s.topics[0].configs!.map((e) => e.name)).toContain('cleanup.policy');
    }
  },
);
spot<DeleteTopicsRequest, DeleteTopicsResponse>(
  ApiKey.DeleteTopics,
  (q, c) => expectIn(c.v >= 6 ? q.topics[0].name : q.topicNames[0], c.topics),
  (s, c) => {
    expectIn(s.responses[0].name, c.topics);
    expect(s.responses[0].errorCode).toBe(OK);
  },
);
spot<DeleteRecordsRequest, DeleteRecordsResponse>(
  ApiKey.DeleteRecords,
  (q, c) => {
    expectIn(q.topics[0].name, c.topics);
    expect(q.topics[0].partitions[0].offset).toBe(1);
  },
  (s) => {
    const p = s.topics[0].partitions[0];
    expect([p.errorCode, p.lowWatermark]).toEqual([OK, 1]);
  },
);
spot<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>(
  ApiKey.OffsetForLeaderEpoch,
  (q, c) => {
    if (c.v >= 3) expect(q.replicaId).toBe(-1);
    expectIn(q.topics[0].topic, c.topics);
    expect(q.topics[0].partitions[0].leaderEpoch).toBeGreaterThanOrEqual(0);
  },
  (s, c) => {
    expectIn(s.topics[0].topic, c.topics);
    const p = s.topics[0].partitions[0];
    expect(p.errorCode).toBe(OK);
    expect(p.endOffset).toBeGreaterThan(0);
  },
);
spot<DescribeConfigsRequest, DescribeConfigsResponse>(
  ApiKey.DescribeConfigs,
  (q, c) => {
    expect(q.resources[0].resourceType).toBe(2); // TOPIC
    expectIn(q.resources[0].resourceName, c.topics);
  },
  (s, c) => {
    const r = s.results[0];
    expect([r.errorCode, r.resourceType]).toEqual([OK, 2]);
    expectIn(r.resourceName, c.topics);
    expect(r.configs.find((e) => e.name === 'retention.ms')?.value).toMatch(/^\d+$/);
  },
);
spot<AlterConfigsRequest, AlterConfigsResponse>(
  ApiKey.AlterConfigs,
  (q, c) => {
    expectIn(q.resources[0].resourceName, c.topics);
    expect(q.resources[0].configs[0]).toMatchObject({ name: 'retention.ms', value: '86400000' });
  },
  (s, c) => {
    expect(s.responses[0].errorCode).toBe(OK);
    expectIn(s.responses[0].resourceName, c.topics);
  },
);
spot<CreatePartitionsRequest, CreatePartitionsResponse>(
  ApiKey.CreatePartitions,
  (q, c) => {
    expectIn(q.topics[0].name, c.topics);
    expect(q.topics[0].count).toBe(2);
  },
  (s, c) => {
    expectIn(s.results[0].name, c.topics);
    expect(s.results[0].errorCode).toBe(OK);
  },
);
spot<DescribeGroupsRequest, DescribeGroupsResponse>(
  ApiKey.DescribeGroups,
  (q, c) => expectIn(q.groups[0], c.groups),
  (s, c) => {
    expectIn(s.groups[0].groupId, c.groups);
    expect([s.groups[0].errorCode, s.groups[0].protocolType]).toEqual([OK, 'consumer']);
  },
);
spot<ListGroupsRequest, ListGroupsResponse>(
  ApiKey.ListGroups,
  () => undefined,
  (s, c) => {
    expect(s.errorCode).toBe(OK);
    expect(s.groups.some((g) => c.groups.includes(g.groupId))).toBe(true);
  },
);
spot<DeleteGroupsRequest, DeleteGroupsResponse>(
  ApiKey.DeleteGroups,
  (q, c) => expectIn(q.groupsNames[0], c.groups),
  (s, c) => {
    expectIn(s.results[0].groupId, c.groups);
    expect(s.results[0].errorCode).toBe(OK);
  },
);
spot<DescribeClusterRequest, DescribeClusterResponse>(
  ApiKey.DescribeCluster,
  (q) => expect(q.endpointType).toBe(1), // brokers
  (s) => {
    expect([s.errorCode, s.clusterId, s.brokers.length]).toEqual([OK, clusterId, 1]);
    expect(s.brokers[0].brokerId).toBe(NODE);
    expectNode(s.brokers[0]);
  },
);
spot<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse>(
  ApiKey.ConsumerGroupHeartbeat,
  (q, c) => {
    expectIn(q.groupId, c.groups);
    // The first heartbeat of a member (epoch 0) carries its subscription.
    if (q.memberEpoch === 0) expectIn(q.subscribedTopicNames![0], c.topics);
  },
  (s) => {
    expect(s.errorCode).toBe(OK);
    expect(s.memberEpoch).toBeGreaterThanOrEqual(1);
    expect(s.heartbeatIntervalMs).toBeGreaterThan(0);
  },
);
spot<DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse>(
  ApiKey.DescribeTopicPartitions,
  (q, c) => expectIn(q.topics[0].name, c.topics),
  (s, c) => {
    const t = s.topics[0];
    expectIn(t.name, c.topics);
    expect([t.errorCode, t.partitions[0].leaderId]).toEqual([OK, NODE]);
  },
);
