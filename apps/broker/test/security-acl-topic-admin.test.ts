/**
 * Authorization in the topic administration and config APIs, on the wire, with Kafka's exact error codes
 * (principals and ACLs: support/acl-handlers-fixture.ts).
 */
import {
  ApiKey,
  ErrorCode,
  makeAlterConfigsRequest,
  makeCreatePartitionsRequest,
  makeCreateTopicsRequest,
  makeCreateTopicsRequestCreatableTopic,
  makeDeleteRecordsRequest,
  makeDeleteTopicsRequest,
  makeDeleteTopicsRequestDeleteTopicState,
  makeDescribeClusterRequest,
  makeDescribeConfigsRequest,
  makeDescribeConfigsRequestDescribeConfigsResource,
  makeDescribeLogDirsRequest,
  makeIncrementalAlterConfigsRequest,
  makeIncrementalAlterConfigsRequestAlterConfigsResource,
  makeIncrementalAlterConfigsRequestAlterableConfig,
  type AlterConfigsResponse,
  type CreatePartitionsResponse,
  type CreateTopicsResponse,
  type DeleteRecordsResponse,
  type DeleteTopicsResponse,
  type DescribeClusterResponse,
  type DescribeConfigsResponse,
  type DescribeLogDirsResponse,
  type IncrementalAlterConfigsResponse,
} from '@tributary/kafka-protocol';
import { describe, expect, it } from 'vitest';
import { bits, call, tb, useAclFixture } from './support/acl-handlers-fixture.js';

useAclFixture();

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
    expect(tb().broker.context.topics.get('carol-new')?.partitions).toHaveLength(2);
    expect(res.topics[1]).toMatchObject({
      name: 'other',
      errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      errorMessage: 'Authorization failed.',
    });
    expect(tb().broker.context.topics.get('other')).toBeUndefined();
  });

  it('DeleteTopics: DESCRIBE decides before existence, then DELETE', async () => {
    const roId = tb().broker.context.topics.get('ro')!.id;
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
    expect(tb().broker.context.topics.get('ro')).toBeDefined();
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
    expect(tb().broker.context.topics.partition('ro', 0)!.logStartOffset).toBe(0);
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
    expect(tb().broker.context.topics.get('ro')!.configs.has('retention.ms')).toBe(false);
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
