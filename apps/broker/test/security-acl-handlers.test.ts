/**
 * Authorization in every handler, on the wire, with Kafka's exact error codes. Each client
 * authenticates with SASL PLAIN as its principal (support/sasl-principals.ts): `admin` is a
 * super user, `alice`
 * may READ topic `ro` and group `g-alice` and DESCRIBE topics prefixed `alice-`, `carol` may
 * WRITE topic `carol-w` and CREATE topics prefixed `carol-`, `bob` has no ACL at all.
 */
import {
  ApiKey,
  ErrorCode,
  buildBatch,
  makeAlterConfigsRequest,
  makeCreateAclsRequest,
  makeCreateAclsRequestAclCreation,
  makeCreatePartitionsRequest,
  makeCreateTopicsRequest,
  makeCreateTopicsRequestCreatableTopic,
  makeDeleteGroupsRequest,
  makeDeleteRecordsRequest,
  makeDeleteTopicsRequest,
  makeDeleteTopicsRequestDeleteTopicState,
  makeDescribeClusterRequest,
  makeDescribeConfigsRequest,
  makeDescribeConfigsRequestDescribeConfigsResource,
  makeDescribeGroupsRequest,
  makeDescribeLogDirsRequest,
  makeFetchRequest,
  makeFetchRequestFetchPartition,
  makeFetchRequestFetchTopic,
  makeFindCoordinatorRequest,
  makeHeartbeatRequest,
  makeIncrementalAlterConfigsRequest,
  makeIncrementalAlterConfigsRequestAlterConfigsResource,
  makeIncrementalAlterConfigsRequestAlterableConfig,
  makeInitProducerIdRequest,
  makeJoinGroupRequest,
  makeJoinGroupRequestProtocol,
  makeLeaveGroupRequest,
  makeListGroupsRequest,
  makeListOffsetsRequest,
  makeListOffsetsRequestListOffsetsPartition,
  makeListOffsetsRequestListOffsetsTopic,
  makeMetadataRequest,
  makeMetadataRequestTopic,
  makeOffsetCommitRequest,
  makeOffsetCommitRequestPartition,
  makeOffsetCommitRequestTopic,
  makeOffsetDeleteRequest,
  makeOffsetFetchRequest,
  makeOffsetFetchRequestGroup,
  makeOffsetFetchRequestTopic,
  makeOffsetFetchRequestTopics,
  makeOffsetForLeaderEpochRequest,
  makeProduceRequest,
  makeProduceRequestPartitionProduceData,
  makeProduceRequestTopicProduceData,
  makeSyncGroupRequest,
  type AlterConfigsResponse,
  type CreateAclsResponse,
  type CreatePartitionsResponse,
  type CreateTopicsResponse,
  type DeleteGroupsResponse,
  type DeleteRecordsResponse,
  type DeleteTopicsResponse,
  type DescribeClusterResponse,
  type DescribeConfigsResponse,
  type DescribeGroupsResponse,
  type DescribeLogDirsResponse,
  type FetchResponse,
  type FindCoordinatorResponse,
  type HeartbeatResponse,
  type IncrementalAlterConfigsResponse,
  type InitProducerIdResponse,
  type JoinGroupResponse,
  type LeaveGroupResponse,
  type ListGroupsResponse,
  type ListOffsetsResponse,
  type MetadataResponse,
  type OffsetCommitResponse,
  type OffsetDeleteResponse,
  type OffsetFetchResponse,
  type OffsetForLeaderEpochResponse,
  type ProduceResponse,
  type SyncGroupResponse,
} from '@tributary/kafka-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBroker } from './support/in-process-broker.js';
import type { RawClient } from './support/raw-client.js';
import { Principals, startSaslBroker } from './support/sasl-principals.js';

// Kafka codes (AclOperation, ResourceType, PatternType, AclPermissionType).
const READ = 3;
const WRITE = 4;
const CREATE = 5;
const DESCRIBE = 8;
const TOPIC = 2;
const GROUP = 3;
const LITERAL = 3;
const PREFIXED = 4;
const ALLOW = 3;
const bits = (ops: number[]) => ops.reduce((m, op) => m | (1 << op), 0);
const NOT_REQUESTED = -2147483648;

let tb: TestBroker;
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

async function call<T>(name: string, apiKey: number, version: number, body: unknown): Promise<T> {
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

const produceRequest = (topic: string, transactionalId: string | null = null) =>
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

beforeAll(async () => {
  tb = await startSaslBroker({ 'authorizer.enabled': 'true', 'super.users': 'User:admin' });
  principals = new Principals(tb);
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
          partitions: [makeOffsetCommitRequestPartition({ partitionIndex: 0, committedOffset: 1 })],
        }),
      ),
    }),
  );
  expect(commit.topics.flatMap((t) => t.partitions.map((p) => p.errorCode))).toEqual([0, 0]);
});

afterAll(async () => {
  principals.closeAll();
  await tb.stop();
});

describe('Metadata', () => {
  const metadata = (name: string, topics: string[] | null, version = 12) =>
    call<MetadataResponse>(
      name,
      ApiKey.Metadata,
      version,
      makeMetadataRequest({
        topics: topics === null ? null : topics.map((t) => makeMetadataRequestTopic({ name: t })),
        allowAutoTopicCreation: true,
        includeTopicAuthorizedOperations: version >= 8,
        includeClusterAuthorizedOperations: version >= 8 && version <= 10,
      }),
    );

  it('lists only the topics the principal may DESCRIBE; super users see every topic', async () => {
    const names = async (who: string) =>
      (await metadata(who, null)).topics.map((t) => t.name).sort();
    expect(await names('admin')).toEqual(['alice-1', 'carol-w', 'ro', 'secret']);
    expect(await names('alice')).toEqual(['alice-1', 'ro']);
    expect(await names('carol')).toEqual(['carol-w']);
    expect(await names('bob')).toEqual([]);
    // v0 "all topics" is an empty list.
    expect((await metadata('alice', [], 0)).topics.map((t) => t.name).sort()).toEqual([
      'alice-1',
      'ro',
    ]);
  });

  it('answers TOPIC_AUTHORIZATION_FAILED for named topics, existing or not, without creating them', async () => {
    const res = await metadata('bob', ['ro', 'no-such-topic']);
    expect(res.topics.map((t) => [t.name, t.errorCode, t.partitions.length])).toEqual([
      ['ro', ErrorCode.TOPIC_AUTHORIZATION_FAILED, 0],
      ['no-such-topic', ErrorCode.TOPIC_AUTHORIZATION_FAILED, 0],
    ]);
    // alice may DESCRIBE alice-* but not CREATE: auto-creation is refused.
    const auto = await metadata('alice', ['alice-new']);
    expect(auto.topics[0].errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    expect(tb.broker.context.topics.get('alice-new')).toBeUndefined();
    // By id (v12): a null name, the id, and the error.
    const ro = tb.broker.context.topics.get('ro')!;
    const byId = await call<MetadataResponse>(
      'bob',
      ApiKey.Metadata,
      12,
      makeMetadataRequest({ topics: [makeMetadataRequestTopic({ name: null, topicId: ro.id })] }),
    );
    expect(byId.topics[0]).toMatchObject({
      name: null,
      topicId: ro.id,
      errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
    });
  });

  it('auto-creates a topic for a principal with CREATE on it', async () => {
    // carol may CREATE carol-* but not DESCRIBE them: DESCRIBE is checked first.
    const res = await metadata('carol', ['carol-auto']);
    expect(res.topics[0].errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    const admin = await metadata('admin', ['admin-auto']);
    expect(admin.topics[0]).toMatchObject({ name: 'admin-auto', errorCode: ErrorCode.NONE });
  });

  it('reports the real authorized operations (v8+)', async () => {
    const alice = await metadata('alice', ['ro'], 10);
    expect(alice.topics[0].topicAuthorizedOperations).toBe(bits([READ, DESCRIBE]));
    expect(alice.clusterAuthorizedOperations).toBe(0);
    const admin = await metadata('admin', ['ro'], 10);
    expect(admin.topics[0].topicAuthorizedOperations).toBe(bits([3, 4, 5, 6, 7, 8, 10, 11]));
    expect(admin.clusterAuthorizedOperations).toBe(bits([5, 7, 8, 9, 10, 11, 12]));
    const v12 = await metadata('alice', ['ro'], 12);
    expect(v12.clusterAuthorizedOperations).toBe(NOT_REQUESTED);
  });
});

describe('produce and consume', () => {
  it('refuses Produce without WRITE, per topic, whether or not the topic exists', async () => {
    for (const topic of ['ro', 'missing']) {
      const res = await call<ProduceResponse>('alice', ApiKey.Produce, 9, produceRequest(topic));
      expect(res.responses[0].partitionResponses[0]).toMatchObject({
        errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
        baseOffset: -1,
      });
    }
    const ok = await call<ProduceResponse>('carol', ApiKey.Produce, 9, produceRequest('carol-w'));
    expect(ok.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE);
  });

  it('refuses a transactional Produce without WRITE on the transactional id', async () => {
    const res = await call<ProduceResponse>(
      'carol',
      ApiKey.Produce,
      9,
      produceRequest('carol-w', 'txn-1'),
    );
    expect(res.responses[0].partitionResponses[0].errorCode).toBe(
      ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
    );
  });

  it('serves Fetch with READ and refuses it without', async () => {
    const fetch = (who: string, topic: string) =>
      call<FetchResponse>(
        who,
        ApiKey.Fetch,
        12,
        makeFetchRequest({
          maxWaitMs: 0,
          topics: [
            makeFetchRequestFetchTopic({
              topic,
              partitions: [makeFetchRequestFetchPartition({ partitionMaxBytes: 1 << 20 })],
            }),
          ],
        }),
      );
    const ok = (await fetch('alice', 'ro')).responses[0].partitions[0];
    expect(ok.errorCode).toBe(ErrorCode.NONE);
    expect(ok.highWatermark).toBe(1);
    const denied = (await fetch('bob', 'ro')).responses[0].partitions[0];
    expect(denied).toMatchObject({
      errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      highWatermark: -1,
    });
    expect((denied.records as Buffer).length).toBe(0);
    // By topic id (v13+): a known id without READ is refused, an unknown one stays unknown.
    const ro = tb.broker.context.topics.get('ro')!;
    const byId = (topicId: string) =>
      call<FetchResponse>(
        'bob',
        ApiKey.Fetch,
        13,
        makeFetchRequest({
          topics: [
            makeFetchRequestFetchTopic({
              topicId,
              partitions: [makeFetchRequestFetchPartition({ partitionMaxBytes: 1024 })],
            }),
          ],
        }),
      );
    expect((await byId(ro.id)).responses[0].partitions[0].errorCode).toBe(
      ErrorCode.TOPIC_AUTHORIZATION_FAILED,
    );
    expect(
      (await byId('11111111-2222-3333-4444-555555555555')).responses[0].partitions[0].errorCode,
    ).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
  });

  it('needs DESCRIBE for ListOffsets and OffsetForLeaderEpoch', async () => {
    const listOffsets = (who: string) =>
      call<ListOffsetsResponse>(
        who,
        ApiKey.ListOffsets,
        7,
        makeListOffsetsRequest({
          replicaId: -1,
          topics: [
            makeListOffsetsRequestListOffsetsTopic({
              name: 'ro',
              partitions: [makeListOffsetsRequestListOffsetsPartition({ timestamp: -1 })],
            }),
          ],
        }),
      );
    expect((await listOffsets('alice')).topics[0].partitions[0]).toMatchObject({
      errorCode: ErrorCode.NONE,
      offset: 1,
    });
    expect((await listOffsets('bob')).topics[0].partitions[0].errorCode).toBe(
      ErrorCode.TOPIC_AUTHORIZATION_FAILED,
    );
    const epochs = await call<OffsetForLeaderEpochResponse>(
      'bob',
      ApiKey.OffsetForLeaderEpoch,
      4,
      makeOffsetForLeaderEpochRequest({
        replicaId: -1,
        topics: [
          { topic: 'ro', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] },
        ],
      }),
    );
    expect(epochs.topics[0].partitions[0].errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  });

  it('needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic for InitProducerId', async () => {
    const init = (who: string, transactionalId: string | null = null) =>
      call<InitProducerIdResponse>(
        who,
        ApiKey.InitProducerId,
        4,
        makeInitProducerIdRequest({ transactionalId, transactionTimeoutMs: 60_000 }),
      );
    expect((await init('alice')).errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    expect((await init('bob')).errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    const carol = await init('carol');
    expect(carol.errorCode).toBe(ErrorCode.NONE);
    expect(carol.producerId).toBeGreaterThanOrEqual(0);
    expect((await init('carol', 'txn-1')).errorCode).toBe(
      ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
    );
  });
});

describe('topic administration', () => {
  it('CreateTopics: CREATE on the topic or cluster; configs only with DESCRIBE_CONFIGS', async () => {
    const res = await call<CreateTopicsResponse>(
      'carol',
      ApiKey.CreateTopics,
      7,
      makeCreateTopicsRequest({
        topics: ['carol-new', 'other'].map((name) =>
          makeCreateTopicsRequestCreatableTopic({ name, numPartitions: 2, replicationFactor: 1 }),
        ),
        timeoutMs: 1000,
      }),
    );
    expect(res.topics[0]).toMatchObject({
      name: 'carol-new',
      errorCode: ErrorCode.NONE,
      topicConfigErrorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      numPartitions: -1,
      replicationFactor: -1,
      configs: [],
    });
    expect(tb.broker.context.topics.get('carol-new')?.partitions).toHaveLength(2);
    expect(res.topics[1]).toMatchObject({
      name: 'other',
      errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      errorMessage: 'Authorization failed.',
    });
    expect(tb.broker.context.topics.get('other')).toBeUndefined();
  });

  it('DeleteTopics: DESCRIBE decides before existence, then DELETE', async () => {
    const roId = tb.broker.context.topics.get('ro')!.id;
    const del = (who: string, topics: Array<{ name: string | null; topicId?: string }>) =>
      call<DeleteTopicsResponse>(
        who,
        ApiKey.DeleteTopics,
        6,
        makeDeleteTopicsRequest({
          topics: topics.map((t) => makeDeleteTopicsRequestDeleteTopicState(t)),
          timeoutMs: 1000,
        }),
      );
    const bob = await del('bob', [{ name: 'ro' }, { name: 'nope' }, { name: null, topicId: roId }]);
    expect(bob.responses.map((r) => [r.name, r.errorCode])).toEqual([
      [null, ErrorCode.TOPIC_AUTHORIZATION_FAILED],
      ['ro', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
      ['nope', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    ]);
    const alice = await del('alice', [
      { name: 'alice-gone' },
      { name: 'ro' },
      { name: null, topicId: roId },
    ]);
    expect(alice.responses.map((r) => [r.name, r.errorCode])).toEqual([
      ['ro', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
      ['alice-gone', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ['ro', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    ]);
    expect(alice.responses[0].errorMessage).toBe('Topic authorization failed.');
    expect(tb.broker.context.topics.get('ro')).toBeDefined();
  });

  it('CreatePartitions needs ALTER, DeleteRecords DELETE', async () => {
    const parts = await call<CreatePartitionsResponse>(
      'alice',
      ApiKey.CreatePartitions,
      3,
      makeCreatePartitionsRequest({
        topics: [{ name: 'ro', count: 3, assignments: null }],
        timeoutMs: 1000,
        validateOnly: false,
      }),
    );
    expect(parts.results[0]).toMatchObject({
      name: 'ro',
      errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      errorMessage: null,
    });
    const records = await call<DeleteRecordsResponse>(
      'alice',
      ApiKey.DeleteRecords,
      2,
      makeDeleteRecordsRequest({
        topics: [{ name: 'ro', partitions: [{ partitionIndex: 0, offset: -1 }] }],
        timeoutMs: 1000,
      }),
    );
    expect(records.topics[0].partitions[0]).toMatchObject({
      errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      lowWatermark: -1,
    });
    expect(tb.broker.context.topics.partition('ro', 0)!.logStartOffset).toBe(0);
  });

  it('config APIs need DESCRIBE_CONFIGS / ALTER_CONFIGS on the topic, or on the cluster for brokers', async () => {
    const describe = await call<DescribeConfigsResponse>(
      'alice',
      ApiKey.DescribeConfigs,
      4,
      makeDescribeConfigsRequest({
        resources: [
          makeDescribeConfigsRequestDescribeConfigsResource({
            resourceType: 2,
            resourceName: 'ro',
          }),
          makeDescribeConfigsRequestDescribeConfigsResource({ resourceType: 4, resourceName: '1' }),
        ],
      }),
    );
    expect(describe.results.map((r) => [r.errorCode, r.errorMessage, r.configs.length])).toEqual([
      [ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Topic authorization failed.', 0],
      [ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.', 0],
    ]);
    const alter = await call<AlterConfigsResponse>(
      'alice',
      ApiKey.AlterConfigs,
      2,
      makeAlterConfigsRequest({
        resources: [
          {
            resourceType: 2,
            resourceName: 'ro',
            configs: [{ name: 'retention.ms', value: '1000' }],
          },
          { resourceType: 4, resourceName: '', configs: [] },
        ],
      }),
    );
    expect(alter.responses.map((r) => [r.errorCode, r.errorMessage])).toEqual([
      [ErrorCode.TOPIC_AUTHORIZATION_FAILED, null],
      [ErrorCode.CLUSTER_AUTHORIZATION_FAILED, null],
    ]);
    const incremental = await call<IncrementalAlterConfigsResponse>(
      'alice',
      ApiKey.IncrementalAlterConfigs,
      1,
      makeIncrementalAlterConfigsRequest({
        resources: [
          makeIncrementalAlterConfigsRequestAlterConfigsResource({
            resourceType: 2,
            resourceName: 'ro',
            configs: [
              makeIncrementalAlterConfigsRequestAlterableConfig({
                name: 'retention.ms',
                configOperation: 0,
                value: '1000',
              }),
            ],
          }),
        ],
      }),
    );
    expect(incremental.responses[0].errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    expect(tb.broker.context.topics.get('ro')!.configs.has('retention.ms')).toBe(false);
  });

  it('DescribeLogDirs needs DESCRIBE on the cluster; DescribeCluster reports 0 operations without it', async () => {
    const dirs = await call<DescribeLogDirsResponse>(
      'alice',
      ApiKey.DescribeLogDirs,
      4,
      makeDescribeLogDirsRequest({ topics: null }),
    );
    expect(dirs).toMatchObject({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, results: [] });
    const cluster = (who: string) =>
      call<DescribeClusterResponse>(
        who,
        ApiKey.DescribeCluster,
        1,
        makeDescribeClusterRequest({ includeClusterAuthorizedOperations: true, endpointType: 1 }),
      );
    expect(await cluster('alice')).toMatchObject({
      errorCode: ErrorCode.NONE,
      clusterAuthorizedOperations: 0,
    });
    expect((await cluster('admin')).clusterAuthorizedOperations).toBe(
      bits([5, 7, 8, 9, 10, 11, 12]),
    );
  });
});

describe('consumer groups', () => {
  it('refuses JoinGroup, SyncGroup, Heartbeat and LeaveGroup without READ on the group', async () => {
    const join = await call<JoinGroupResponse>(
      'bob',
      ApiKey.JoinGroup,
      9,
      makeJoinGroupRequest({
        groupId: 'g-alice',
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 10_000,
        protocolType: 'consumer',
        protocols: [makeJoinGroupRequestProtocol({ name: 'range', metadata: Buffer.alloc(0) })],
      }),
    );
    expect(join).toMatchObject({
      errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
      memberId: '',
      generationId: -1,
    });
    const sync = await call<SyncGroupResponse>(
      'bob',
      ApiKey.SyncGroup,
      5,
      makeSyncGroupRequest({ groupId: 'g-alice', generationId: 1, memberId: 'm' }),
    );
    expect(sync.errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const beat = await call<HeartbeatResponse>(
      'bob',
      ApiKey.Heartbeat,
      4,
      makeHeartbeatRequest({ groupId: 'g-alice', generationId: 1, memberId: 'm' }),
    );
    expect(beat.errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const leave = await call<LeaveGroupResponse>(
      'bob',
      ApiKey.LeaveGroup,
      5,
      makeLeaveGroupRequest({
        groupId: 'g-alice',
        members: [{ memberId: 'm', groupInstanceId: null, reason: null }],
      }),
    );
    expect(leave).toMatchObject({ errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, members: [] });
    // With READ on the group, JoinGroup reaches the coordinator (v4+: member id required).
    const alice = await call<JoinGroupResponse>(
      'alice',
      ApiKey.JoinGroup,
      9,
      makeJoinGroupRequest({
        groupId: 'g-alice',
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 10_000,
        protocolType: 'consumer',
        protocols: [makeJoinGroupRequestProtocol({ name: 'range', metadata: Buffer.alloc(0) })],
      }),
    );
    expect(alice.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  });

  it('OffsetCommit: READ on the group for everything, then READ per topic', async () => {
    const commit = (who: string, group: string) =>
      call<OffsetCommitResponse>(
        who,
        ApiKey.OffsetCommit,
        8,
        makeOffsetCommitRequest({
          groupId: group,
          topics: ['ro', 'secret', 'missing'].map((name) =>
            makeOffsetCommitRequestTopic({
              name,
              partitions: [
                makeOffsetCommitRequestPartition({ partitionIndex: 0, committedOffset: 1 }),
              ],
            }),
          ),
        }),
      );
    const codes = (r: OffsetCommitResponse) => r.topics.map((t) => t.partitions[0].errorCode);
    expect(codes(await commit('bob', 'g-alice'))).toEqual([
      ErrorCode.GROUP_AUTHORIZATION_FAILED,
      ErrorCode.GROUP_AUTHORIZATION_FAILED,
      ErrorCode.GROUP_AUTHORIZATION_FAILED,
    ]);
    expect(codes(await commit('alice', 'g-alice'))).toEqual([
      ErrorCode.NONE,
      ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      ErrorCode.TOPIC_AUTHORIZATION_FAILED,
    ]);
  });

  it('OffsetFetch: DESCRIBE on the group; unauthorized topics left out of "all", refused when named', async () => {
    const v8 = (who: string, topics: string[] | null) =>
      call<OffsetFetchResponse>(
        who,
        ApiKey.OffsetFetch,
        8,
        makeOffsetFetchRequest({
          groups: [
            makeOffsetFetchRequestGroup({
              groupId: 'g-alice',
              topics:
                topics === null
                  ? null
                  : topics.map((name) =>
                      makeOffsetFetchRequestTopics({ name, partitionIndexes: [0] }),
                    ),
            }),
          ],
        }),
      );
    const all = (await v8('alice', null)).groups[0];
    expect(all.errorCode).toBe(ErrorCode.NONE);
    expect(all.topics.map((t) => [t.name, t.partitions[0].committedOffset])).toEqual([['ro', 1]]);
    const named = (await v8('alice', ['ro', 'secret'])).groups[0];
    expect(
      named.topics.map((t) => [t.name, t.partitions[0].errorCode, t.partitions[0].committedOffset]),
    ).toEqual([
      ['ro', ErrorCode.NONE, 1],
      ['secret', ErrorCode.TOPIC_AUTHORIZATION_FAILED, -1],
    ]);
    expect((await v8('bob', null)).groups[0]).toMatchObject({
      errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
      topics: [],
    });
    // v1 has no top-level error: every requested partition carries it.
    const v1 = await call<OffsetFetchResponse>(
      'bob',
      ApiKey.OffsetFetch,
      1,
      makeOffsetFetchRequest({
        groupId: 'g-alice',
        topics: [makeOffsetFetchRequestTopic({ name: 'ro', partitionIndexes: [0] })],
      }),
    );
    expect(v1.topics[0].partitions[0]).toMatchObject({
      errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
      committedOffset: -1,
    });
  });

  it('DescribeGroups, ListGroups, DeleteGroups, OffsetDelete and FindCoordinator', async () => {
    const described = await call<DescribeGroupsResponse>(
      'alice',
      ApiKey.DescribeGroups,
      5,
      makeDescribeGroupsRequest({
        groups: ['g-alice', 'g-other'],
        includeAuthorizedOperations: true,
      }),
    );
    expect(described.groups.map((g) => [g.groupId, g.errorCode, g.authorizedOperations])).toEqual([
      ['g-alice', ErrorCode.NONE, bits([READ, DESCRIBE])],
      ['g-other', ErrorCode.GROUP_AUTHORIZATION_FAILED, NOT_REQUESTED],
    ]);
    const list = async (who: string) =>
      (
        await call<ListGroupsResponse>(who, ApiKey.ListGroups, 5, makeListGroupsRequest({}))
      ).groups.map((g) => g.groupId);
    expect(await list('alice')).toEqual(['g-alice']);
    expect(await list('bob')).toEqual([]);
    expect(await list('admin')).toContain('g-alice');
    const deleted = await call<DeleteGroupsResponse>(
      'alice',
      ApiKey.DeleteGroups,
      2,
      makeDeleteGroupsRequest({ groupsNames: ['g-alice'] }),
    );
    expect(deleted.results[0].errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const offsetDelete = await call<OffsetDeleteResponse>(
      'alice',
      ApiKey.OffsetDelete,
      0,
      makeOffsetDeleteRequest({
        groupId: 'g-alice',
        topics: [{ name: 'ro', partitions: [{ partitionIndex: 0 }] }],
      }),
    );
    expect(offsetDelete.errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const find = await call<FindCoordinatorResponse>(
      'bob',
      ApiKey.FindCoordinator,
      4,
      makeFindCoordinatorRequest({ keyType: 0, coordinatorKeys: ['g-alice'] }),
    );
    expect(find.coordinators[0]).toMatchObject({
      errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
      nodeId: -1,
    });
    const findOld = await call<FindCoordinatorResponse>(
      'bob',
      ApiKey.FindCoordinator,
      3,
      makeFindCoordinatorRequest({ keyType: 1, key: 'txn-1' }),
    );
    expect(findOld).toMatchObject({
      errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
      errorMessage: 'Transactional Id authorization failed.',
    });
    const findOk = await call<FindCoordinatorResponse>(
      'alice',
      ApiKey.FindCoordinator,
      4,
      makeFindCoordinatorRequest({ keyType: 0, coordinatorKeys: ['g-alice'] }),
    );
    expect(findOk.coordinators[0]).toMatchObject({ errorCode: ErrorCode.NONE, nodeId: 1 });
  });
});
