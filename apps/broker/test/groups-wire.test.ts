/**
 * Every version of every group API at the wire level (raw frames through the generated
 * codecs): a one-member group formed and left with each JoinGroup version, offsets committed
 * and fetched with each OffsetCommit/OffsetFetch version, and the version-specific shapes
 * (FindCoordinator batching, LeaveGroup's top-level error before v3, OffsetFetch's
 * per-partition errors before v2, multi-group OffsetFetch v8+).
 */
import {
  ApiKey,
  ErrorCode,
  Writer,
  makeConsumerProtocolSubscription,
  makeMetadataRequest,
  writeConsumerProtocolSubscription,
  type DeleteGroupsResponse,
  type DescribeGroupsResponse,
  type FindCoordinatorResponse,
  type HeartbeatResponse,
  type JoinGroupResponse,
  type LeaveGroupResponse,
  type ListGroupsResponse,
  type MetadataResponse,
  type OffsetCommitResponse,
  type OffsetDeleteResponse,
  type OffsetFetchResponse,
  type SyncGroupResponse,
} from '@tributary/kafka-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from './support/raw-client.js';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';

const TOPIC = 'wire-groups';
let tb: TestBroker;
let c: RawClient;

function subscription(topics: string[]): Buffer {
  const w = new Writer();
  w.int16(0);
  writeConsumerProtocolSubscription(w, makeConsumerProtocolSubscription({ topics }), 0);
  return w.toBuffer();
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

beforeAll(async () => {
  tb = await startTestBroker({ 'num.partitions': '2', 'group.min.session.timeout.ms': '1000' });
  c = await RawClient.connect(tb.port);
  const md = await c.call<MetadataResponse>(
    ApiKey.Metadata,
    12,
    makeMetadataRequest({
      topics: [{ name: TOPIC, topicId: '00000000-0000-0000-0000-000000000000' }],
      allowAutoTopicCreation: true,
    }),
  );
  expect(md.topics[0].errorCode).toBe(ErrorCode.NONE);
});

afterAll(async () => {
  c.close();
  await tb.stop();
});

describe('FindCoordinator', () => {
  it.each(range(0, 3))('v%i answers with this broker in the top-level fields', async (v) => {
    const r = await c.call<FindCoordinatorResponse>(ApiKey.FindCoordinator, v, {
      key: 'any-group',
      keyType: 0,
      coordinatorKeys: [],
    });
    expect(r).toMatchObject({
      errorCode: ErrorCode.NONE,
      nodeId: 1,
      port: tb.port,
      host: '127.0.0.1',
    });
    if (v >= 1) {
      const txn = await c.call<FindCoordinatorResponse>(ApiKey.FindCoordinator, v, {
        key: 'tx',
        keyType: 1,
        coordinatorKeys: [],
      });
      expect(txn).toMatchObject({ errorCode: ErrorCode.NONE, nodeId: 1 });
    }
  });

  it.each(range(4, 6))('v%i answers per coordinator key', async (v) => {
    const r = await c.call<FindCoordinatorResponse>(ApiKey.FindCoordinator, v, {
      key: '',
      keyType: 0,
      coordinatorKeys: ['a', 'b'],
    });
    expect(r.coordinators.map((x) => [x.key, x.nodeId, x.port, x.errorCode])).toEqual([
      ['a', 1, tb.port, 0],
      ['b', 1, tb.port, 0],
    ]);
    const bad = await c.call<FindCoordinatorResponse>(ApiKey.FindCoordinator, v, {
      key: '',
      keyType: 9,
      coordinatorKeys: ['x'],
    });
    expect(bad.coordinators[0].errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });
});

describe('membership APIs', () => {
  it.each(range(0, 9))(
    'JoinGroup v%i forms a one-member group that syncs, heartbeats, commits and leaves',
    async (v) => {
      const groupId = `wire-join-v${v}`;
      const join = (memberId: string): Promise<JoinGroupResponse> =>
        c.call<JoinGroupResponse>(ApiKey.JoinGroup, v, {
          groupId,
          sessionTimeoutMs: 5_000,
          rebalanceTimeoutMs: 5_000,
          memberId,
          groupInstanceId: null,
          protocolType: 'consumer',
          protocols: [{ name: 'range', metadata: subscription([TOPIC]) }],
          reason: null,
        });
      let joined = await join('');
      if (v >= 4) {
        expect(joined.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
        joined = await join(joined.memberId);
      }
      expect(joined).toMatchObject({
        errorCode: ErrorCode.NONE,
        generationId: 1,
        protocolName: 'range',
      });
      expect(joined.leader).toBe(joined.memberId);
      expect(joined.members.map((m) => m.memberId)).toEqual([joined.memberId]);
      if (v >= 7) expect(joined.protocolType).toBe('consumer');
      const memberId = joined.memberId;

      const syncV = Math.min(v, 5);
      const synced = await c.call<SyncGroupResponse>(ApiKey.SyncGroup, syncV, {
        groupId,
        generationId: 1,
        memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocolName: 'range',
        assignments: [{ memberId, assignment: Buffer.from('mine') }],
      });
      expect(synced.errorCode).toBe(ErrorCode.NONE);
      expect(synced.assignment.toString()).toBe('mine');
      if (syncV >= 5) expect(synced.protocolName).toBe('range');

      const hb = await c.call<HeartbeatResponse>(ApiKey.Heartbeat, Math.min(v, 4), {
        groupId,
        generationId: 1,
        memberId,
        groupInstanceId: null,
      });
      expect(hb.errorCode).toBe(ErrorCode.NONE);
      const stale = await c.call<HeartbeatResponse>(ApiKey.Heartbeat, Math.min(v, 4), {
        groupId,
        generationId: 0,
        memberId,
        groupInstanceId: null,
      });
      expect(stale.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);

      const commitV = Math.max(1, v);
      const committed = await c.call<OffsetCommitResponse>(ApiKey.OffsetCommit, commitV, {
        groupId,
        generationIdOrMemberEpoch: 1,
        memberId,
        groupInstanceId: null,
        retentionTimeMs: -1,
        topics: [
          {
            name: TOPIC,
            partitions: [
              {
                partitionIndex: 1,
                committedOffset: 7,
                committedLeaderEpoch: -1,
                commitTimestamp: -1,
                committedMetadata: null,
              },
            ],
          },
        ],
      });
      expect(committed.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);

      const described = await c.call<DescribeGroupsResponse>(
        ApiKey.DescribeGroups,
        Math.min(v, 5),
        { groups: [groupId], includeAuthorizedOperations: true },
      );
      expect(described.groups[0]).toMatchObject({
        groupState: 'Stable',
        protocolType: 'consumer',
        protocolData: 'range',
      });
      expect(described.groups[0].members[0]).toMatchObject({
        memberId,
        clientId: 'raw-client',
        clientHost: '/127.0.0.1',
      });
      expect(described.groups[0].members[0].memberAssignment.toString()).toBe('mine');

      const leaveV = Math.min(v, 5);
      const left = await c.call<LeaveGroupResponse>(ApiKey.LeaveGroup, leaveV, {
        groupId,
        memberId,
        members: [{ memberId, groupInstanceId: null, reason: null }],
      });
      expect(left.errorCode).toBe(ErrorCode.NONE);
      const again = await c.call<LeaveGroupResponse>(ApiKey.LeaveGroup, leaveV, {
        groupId,
        memberId,
        members: [{ memberId, groupInstanceId: null, reason: null }],
      });
      // Before v3 the member's error is the response's error; from v3 it is per member.
      if (leaveV < 3) expect(again.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      else expect(again.members[0].errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);

      const after = await c.call<DescribeGroupsResponse>(ApiKey.DescribeGroups, Math.min(v, 5), {
        groups: [groupId],
        includeAuthorizedOperations: false,
      });
      expect(after.groups[0]).toMatchObject({ groupState: 'Empty', members: [] });
    },
  );
});

describe('offset APIs', () => {
  it.each(range(0, 9))(
    'OffsetCommit v%i commits outside group management; OffsetFetch reads it back',
    async (v) => {
      const groupId = `wire-commit-v${v}`;
      const r = await c.call<OffsetCommitResponse>(ApiKey.OffsetCommit, v, {
        groupId,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: -1,
        topics: [
          {
            name: TOPIC,
            partitions: [
              {
                partitionIndex: 0,
                committedOffset: 100 + v,
                committedLeaderEpoch: 4,
                commitTimestamp: -1,
                committedMetadata: 'hello',
              },
              {
                partitionIndex: 5,
                committedOffset: 1,
                committedLeaderEpoch: -1,
                commitTimestamp: -1,
                committedMetadata: null,
              },
            ],
          },
          {
            name: 'no-such-topic',
            partitions: [
              {
                partitionIndex: 0,
                committedOffset: 1,
                committedLeaderEpoch: -1,
                commitTimestamp: -1,
                committedMetadata: null,
              },
            ],
          },
        ],
      });
      expect(r.topics.map((t) => t.partitions.map((p) => p.errorCode))).toEqual([
        [ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
        [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ]);

      const fetchV = v;
      if (fetchV >= 8) {
        const f = await c.call<OffsetFetchResponse>(ApiKey.OffsetFetch, fetchV, {
          groups: [
            { groupId, memberId: null, memberEpoch: -1, topics: null },
            {
              groupId: 'never-seen',
              memberId: null,
              memberEpoch: -1,
              topics: [{ name: TOPIC, partitionIndexes: [0] }],
            },
          ],
          requireStable: true,
        });
        expect(f.groups[0].topics[0].partitions).toEqual([
          {
            partitionIndex: 0,
            committedOffset: 100 + v,
            committedLeaderEpoch: 4,
            metadata: 'hello',
            errorCode: 0,
          },
        ]);
        expect(f.groups[1].topics[0].partitions[0]).toMatchObject({
          committedOffset: -1,
          errorCode: 0,
        });
        return;
      }
      const f = await c.call<OffsetFetchResponse>(ApiKey.OffsetFetch, fetchV, {
        groupId,
        topics: [{ name: TOPIC, partitionIndexes: [0, 1] }],
        requireStable: false,
      });
      expect(
        f.topics[0].partitions.map((p) => [p.committedOffset, p.metadata, p.errorCode]),
      ).toEqual([
        [100 + v, 'hello', 0],
        [-1, '', 0],
      ]);
      if (fetchV >= 5) expect(f.topics[0].partitions[0].committedLeaderEpoch).toBe(v >= 6 ? 4 : -1);
      if (fetchV >= 2) {
        const all = await c.call<OffsetFetchResponse>(ApiKey.OffsetFetch, fetchV, {
          groupId,
          topics: null,
          requireStable: false,
        });
        expect(all.errorCode).toBe(ErrorCode.NONE);
        expect(all.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)])).toEqual([
          [TOPIC, [0]],
        ]);
      }
    },
  );

  it('OffsetDelete v0 removes offsets of an Empty group; DeleteGroups v0-2 remove groups', async () => {
    const del = await c.call<OffsetDeleteResponse>(ApiKey.OffsetDelete, 0, {
      groupId: 'wire-commit-v3',
      topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0 }, { partitionIndex: 9 }] }],
    });
    expect(del.errorCode).toBe(ErrorCode.NONE);
    expect(del.topics[0].partitions.map((p) => p.errorCode)).toEqual([
      ErrorCode.NONE,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ]);
    const missing = await c.call<OffsetDeleteResponse>(ApiKey.OffsetDelete, 0, {
      groupId: 'nope',
      topics: [],
    });
    expect(missing.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);

    for (const v of range(0, 2)) {
      const r = await c.call<DeleteGroupsResponse>(ApiKey.DeleteGroups, v, {
        groupsNames: [`wire-commit-v${v}`, 'nope'],
      });
      expect(r.results.map((x) => [x.groupId, x.errorCode])).toEqual([
        [`wire-commit-v${v}`, ErrorCode.NONE],
        ['nope', ErrorCode.GROUP_ID_NOT_FOUND],
      ]);
    }
  });
});

describe('ListGroups', () => {
  it.each(range(0, 5))('v%i lists the groups (with state from v4, type from v5)', async (v) => {
    const r = await c.call<ListGroupsResponse>(ApiKey.ListGroups, v, {
      statesFilter: v >= 4 ? ['empty'] : [],
      typesFilter: v >= 5 ? ['Classic'] : [],
    });
    expect(r.errorCode).toBe(ErrorCode.NONE);
    const g = r.groups.find((x) => x.groupId === 'wire-join-v0')!;
    expect(g.protocolType).toBe('consumer');
    if (v >= 4) expect(g.groupState).toBe('Empty');
    if (v >= 5) expect(g.groupType).toBe('classic');
    if (v >= 4) {
      const none = await c.call<ListGroupsResponse>(ApiKey.ListGroups, v, {
        statesFilter: ['Stable'],
        typesFilter: [],
      });
      expect(none.groups).toEqual([]);
    }
  });
});
