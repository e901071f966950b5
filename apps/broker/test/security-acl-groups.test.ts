/**
 * Authorization in the consumer-group APIs, on the wire, with Kafka's exact error codes
 * (principals and ACLs: support/acl-handlers-fixture.ts).
 */
import {
  ApiKey,
  ErrorCode,
  makeDeleteGroupsRequest,
  makeDescribeGroupsRequest,
  makeFindCoordinatorRequest,
  makeHeartbeatRequest,
  makeJoinGroupRequest,
  makeJoinGroupRequestProtocol,
  makeLeaveGroupRequest,
  makeListGroupsRequest,
  makeOffsetCommitRequest,
  makeOffsetCommitRequestPartition,
  makeOffsetCommitRequestTopic,
  makeOffsetDeleteRequest,
  makeOffsetFetchRequest,
  makeOffsetFetchRequestGroup,
  makeOffsetFetchRequestTopic,
  makeOffsetFetchRequestTopics,
  makeSyncGroupRequest,
  type DeleteGroupsResponse,
  type DescribeGroupsResponse,
  type FindCoordinatorResponse,
  type HeartbeatResponse,
  type JoinGroupResponse,
  type LeaveGroupResponse,
  type ListGroupsResponse,
  type OffsetCommitResponse,
  type OffsetDeleteResponse,
  type OffsetFetchResponse,
  type SyncGroupResponse,
} from '@tributary/kafka-protocol';
import { describe, expect, it } from 'vitest';
import {
  DESCRIBE,
  NOT_REQUESTED,
  READ,
  bits,
  call,
  useAclFixture,
} from './support/acl-handlers-fixture.js';

useAclFixture();

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
