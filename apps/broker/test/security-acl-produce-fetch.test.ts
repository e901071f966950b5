/**
 * Authorization in Metadata, Produce, Fetch, ListOffsets, OffsetForLeaderEpoch and InitProducerId, on the wire, with Kafka's exact error codes
 * (principals and ACLs: support/acl-handlers-fixture.ts).
 */
import {
  ApiKey,
  ErrorCode,
  makeFetchRequest,
  makeFetchRequestFetchPartition,
  makeFetchRequestFetchTopic,
  makeInitProducerIdRequest,
  makeListOffsetsRequest,
  makeListOffsetsRequestListOffsetsPartition,
  makeListOffsetsRequestListOffsetsTopic,
  makeMetadataRequest,
  makeMetadataRequestTopic,
  makeOffsetForLeaderEpochRequest,
  type FetchResponse,
  type InitProducerIdResponse,
  type ListOffsetsResponse,
  type MetadataResponse,
  type OffsetForLeaderEpochResponse,
  type ProduceResponse,
} from '@tributary/kafka-protocol';
import { describe, expect, it } from 'vitest';
import {
  DESCRIBE,
  NOT_REQUESTED,
  READ,
  bits,
  call,
  produceRequest,
  tb,
  useAclFixture,
} from './support/acl-handlers-fixture.js';

useAclFixture();

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
    expect(tb().broker.context.topics.get('alice-new')).toBeUndefined();
    // By id (v12): a null name, the id, and the error.
    const ro = tb().broker.context.topics.get('ro')!;
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
    const ro = tb().broker.context.topics.get('ro')!;
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
