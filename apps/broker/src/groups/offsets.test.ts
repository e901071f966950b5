import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode } from '@tributary/kafka-protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommitRequest } from './group-coordinator.js';
import { encodeFrame } from './offset-store.js';
import { Harness, flush, joinRequest, subscription, track } from './testing.js';

let h: Harness;

beforeEach(async () => {
  h = await Harness.start();
});

afterEach(async () => {
  await h.stop();
});

const MINUTE = 60_000;

function commit(
  init: Partial<CommitRequest> & { offsets?: Array<[string, number, number]> },
): Promise<number[]> {
  const { offsets = [['t', 0, 10]], ...rest } = init;
  return h.coordinator.commitOffsets({
    groupId: 'g',
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1,
    groupIdNotFound: false,
    partitions: offsets.map(([topic, partition, offset]) => ({
      topic,
      partition,
      offset,
      leaderEpoch: 3,
      metadata: 'meta',
      commitTimestamp: -1,
    })),
    ...rest,
  });
}

function fetched(
  groupId = 'g',
  topics: Array<{ name: string; partitionIndexes: number[] }> | null = null,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of h.coordinator.fetchOffsets(groupId, topics, false).topics) {
    for (const p of t.partitions) out[`${t.name}-${p.partitionIndex}`] = p.committedOffset;
  }
  return out;
}

/** One consumer member subscribed to `topics`, Stable at generation 1. */
async function stableMember(topics = ['t'], sessionTimeoutMs = 10_000): Promise<string> {
  const j = await h.joinNew({
    sessionTimeoutMs,
    protocols: [{ name: 'range', metadata: subscription(topics) }],
  });
  await h.tick();
  const memberId = j.value.memberId;
  h.sync('g', 1, memberId, [[memberId, 'x']]);
  await flush();
  return memberId;
}

describe('offset commit and fetch', () => {
  it('stores commits of members by generation and returns them, -1 for partitions without a commit', async () => {
    const m = await stableMember();
    expect(
      await commit({
        generationId: 1,
        memberId: m,
        offsets: [
          ['t', 0, 5],
          ['t', 1, 7],
        ],
      }),
    ).toEqual([0, 0]);
    const all = h.coordinator.fetchOffsets('g', null, false);
    expect(all.topics).toEqual([
      {
        name: 't',
        partitions: [
          {
            partitionIndex: 0,
            committedOffset: 5,
            committedLeaderEpoch: 3,
            metadata: 'meta',
            errorCode: 0,
          },
          {
            partitionIndex: 1,
            committedOffset: 7,
            committedLeaderEpoch: 3,
            metadata: 'meta',
            errorCode: 0,
          },
        ],
      },
    ]);
    const some = h.coordinator.fetchOffsets('g', [{ name: 't', partitionIndexes: [1, 2] }], false);
    expect(
      some.topics[0].partitions.map((p) => [p.committedOffset, p.metadata, p.committedLeaderEpoch]),
    ).toEqual([
      [7, 'meta', 3],
      [-1, '', -1],
    ]);
    expect(fetched('nope', [{ name: 't', partitionIndexes: [0] }])).toEqual({ 't-0': -1 });
    expect(fetched('nope')).toEqual({});
  });

  it('validates the committer as Kafka does', async () => {
    // No group and a generation: ILLEGAL_GENERATION before v9, GROUP_ID_NOT_FOUND from v9.
    expect(await commit({ generationId: 3, memberId: 'm' })).toEqual([
      ErrorCode.ILLEGAL_GENERATION,
    ]);
    expect(await commit({ generationId: 3, memberId: 'm', groupIdNotFound: true })).toEqual([
      ErrorCode.GROUP_ID_NOT_FOUND,
    ]);
    const m = await stableMember();
    expect(await commit({})).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]); // simple commit into an active group
    expect(await commit({ generationId: 1, memberId: 'stranger' })).toEqual([
      ErrorCode.UNKNOWN_MEMBER_ID,
    ]);
    expect(await commit({ generationId: 2, memberId: m })).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(await commit({ generationId: 1, memberId: m, offsets: [['t', 0, 1]] })).toEqual([0]);
    const big = await h.coordinator.commitOffsets({
      groupId: 'g',
      generationId: 1,
      memberId: m,
      groupInstanceId: null,
      retentionTimeMs: -1,
      groupIdNotFound: false,
      partitions: [
        {
          topic: 't',
          partition: 0,
          offset: 2,
          leaderEpoch: -1,
          metadata: 'x'.repeat(4097),
          commitTimestamp: -1,
        },
        {
          topic: 't',
          partition: 1,
          offset: 2,
          leaderEpoch: -1,
          metadata: null,
          commitTimestamp: -1,
        },
      ],
    });
    expect(big).toEqual([ErrorCode.OFFSET_METADATA_TOO_LARGE, ErrorCode.NONE]);
    expect(fetched()).toEqual({ 't-0': 1, 't-1': 2 });
    expect(
      h.coordinator.fetchOffsets('g', [{ name: 't', partitionIndexes: [1] }], false).topics[0]
        .partitions[0].metadata,
    ).toBe('');

    // Between JoinGroup and SyncGroup a member may not commit.
    track(h.coordinator.join(joinRequest({ memberId: m })));
    await flush();
    expect(h.coordinator.group('g')?.state).toBe('CompletingRebalance');
    expect(await commit({ generationId: 2, memberId: m })).toEqual([
      ErrorCode.REBALANCE_IN_PROGRESS,
    ]);
  });

  it('accepts simple-consumer commits (generation -1) for an Empty group, creating it', async () => {
    expect(await commit({ groupId: 'simple', offsets: [['t', 0, 42]] })).toEqual([0]);
    expect(fetched('simple')).toEqual({ 't-0': 42 });
    expect(h.coordinator.list([], [])).toEqual([
      { groupId: 'simple', protocolType: '', state: 'Empty', type: 'classic' },
    ]);
    expect(h.coordinator.describe('simple')).toMatchObject({
      state: 'Empty',
      protocolType: '',
      members: [],
    });
    expect(h.coordinator.describe('unknown')).toMatchObject({ errorCode: 0, state: 'Dead' });
  });

  it('reports UNSTABLE_OFFSET_COMMIT with require_stable while a commit is being written', async () => {
    await commit({ offsets: [['t', 0, 1]] });
    const pending = commit({ offsets: [['t', 0, 2]] });
    const stable = h.coordinator.fetchOffsets('g', [{ name: 't', partitionIndexes: [0] }], true);
    expect(stable.topics[0].partitions[0].errorCode).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT);
    expect(fetched('g', [{ name: 't', partitionIndexes: [0] }])).toEqual({ 't-0': 1 }); // not durable yet
    await pending;
    expect(fetched()).toEqual({ 't-0': 2 });
  });
});

describe('offset retention', () => {
  beforeEach(async () => {
    await h.stop();
    h = await Harness.start({
      offsetsRetentionMs: 10 * MINUTE,
      offsetsRetentionCheckIntervalMs: MINUTE,
    });
  });

  it('expires the offsets of a consumer group retention after it became Empty, then the group', async () => {
    const m = await stableMember(['t'], 30 * MINUTE);
    await commit({ generationId: 1, memberId: m });
    await h.tick(20 * MINUTE - 1_000); // a Stable group keeps offsets of subscribed topics however old
    expect(heartbeat(m)).toBe(0);
    await h.coordinator.expireOffsets();
    expect(fetched()).toEqual({ 't-0': 10 });
    h.coordinator.leave('g', [{ memberId: m, groupInstanceId: null }]);
    expect(h.coordinator.group('g')?.state).toBe('Empty');
    await h.tick(9 * MINUTE);
    await h.coordinator.expireOffsets();
    expect(fetched()).toEqual({ 't-0': 10 });
    await h.tick(MINUTE);
    await h.coordinator.expireOffsets();
    expect(fetched()).toEqual({});
    expect(h.coordinator.group('g')).toBeUndefined();
  });

  it('expires simple-consumer offsets retention after their commit, via the periodic check', async () => {
    await commit({ offsets: [['t', 0, 1]] });
    await h.tick(5 * MINUTE);
    await commit({ offsets: [['t', 1, 1]] });
    await h.tick(5 * MINUTE); // the periodic check runs every minute
    await flush();
    await new Promise((r) => setTimeout(r, 20));
    expect(fetched()).toEqual({ 't-1': 1 });
    await h.tick(5 * MINUTE);
    await new Promise((r) => setTimeout(r, 20));
    expect(fetched()).toEqual({});
    expect(h.coordinator.group('g')).toBeUndefined();
  });

  it('expires offsets of topics a Stable group no longer subscribes to, and honours v2-4 retention times', async () => {
    await commit({ offsets: [['old', 0, 1]] });
    await commit({ offsets: [['short', 0, 1]], retentionTimeMs: MINUTE });
    const m = await stableMember(['t'], 30 * MINUTE);
    await commit({ generationId: 1, memberId: m, offsets: [['t', 0, 3]] });
    await h.tick(MINUTE);
    await h.coordinator.expireOffsets();
    expect(fetched()).toEqual({ 'old-0': 1, 't-0': 3 });
    await h.tick(10 * MINUTE);
    heartbeat(m);
    await h.coordinator.expireOffsets();
    expect(fetched()).toEqual({ 't-0': 3 });
  });
});

function heartbeat(memberId: string, generationId = 1): number {
  return h.coordinator.heartbeat({
    groupId: 'g',
    generationId,
    memberId,
    groupInstanceId: null,
  });
}

describe('deleting groups and offsets', () => {
  it('deletes only Empty groups, with their offsets, durably', async () => {
    await commit({ groupId: 'empty', offsets: [['t', 0, 1]] });
    await stableMember();
    expect(await h.coordinator.deleteGroups(['empty', 'g', 'missing'])).toEqual([
      ErrorCode.NONE,
      ErrorCode.NON_EMPTY_GROUP,
      ErrorCode.GROUP_ID_NOT_FOUND,
    ]);
    expect(fetched('empty')).toEqual({});
    await h.restart();
    expect(h.coordinator.group('empty')).toBeUndefined();
    expect(fetched('empty', [{ name: 't', partitionIndexes: [0] }])).toEqual({ 't-0': -1 });
  });

  it('deletes offsets of unsubscribed topics only while the group is active', async () => {
    const m = await stableMember(['t']);
    await commit({
      generationId: 1,
      memberId: m,
      offsets: [
        ['t', 0, 1],
        ['u', 0, 1],
      ],
    });
    const active = await h.coordinator.deleteOffsets('g', [
      { topic: 't', partition: 0 },
      { topic: 'u', partition: 0 },
    ]);
    expect(active).toEqual({
      errorCode: 0,
      partitionErrors: [ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, ErrorCode.NONE],
    });
    expect(fetched()).toEqual({ 't-0': 1 });
    expect((await h.coordinator.deleteOffsets('missing', [])).errorCode).toBe(
      ErrorCode.GROUP_ID_NOT_FOUND,
    );
    expect((await h.coordinator.deleteOffsets('', [])).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);

    h.coordinator.leave('g', [{ memberId: m, groupInstanceId: null }]);
    const empty = await h.coordinator.deleteOffsets('g', [{ topic: 't', partition: 0 }]);
    expect(empty).toEqual({ errorCode: 0, partitionErrors: [0] });
    expect(h.coordinator.group('g')).toBeUndefined(); // Empty and without offsets: gone
  });
});

describe('deleted topics', () => {
  it('takes their offsets out of every group; Empty groups left without offsets go', async () => {
    await commit({
      groupId: 'both',
      offsets: [
        ['t', 0, 1],
        ['u', 0, 2],
      ],
    });
    await commit({
      groupId: 'only-t',
      offsets: [
        ['t', 0, 1],
        ['t', 1, 1],
      ],
    });
    const m = await stableMember(['t']);
    await commit({ generationId: 1, memberId: m, offsets: [['t', 0, 5]] });
    await h.coordinator.deleteTopicOffsets(['t']);
    expect(fetched('both')).toEqual({ 'u-0': 2 });
    expect(h.coordinator.group('only-t')).toBeUndefined();
    expect(fetched()).toEqual({});
    expect(h.coordinator.group('g')?.state).toBe('Stable'); // an active group stays
  });
});

describe('persistence', () => {
  it('keeps committed offsets, Empty groups and Stable members across a restart', async () => {
    const m = await stableMember();
    await commit({
      generationId: 1,
      memberId: m,
      offsets: [
        ['t', 0, 11],
        ['t', 1, 12],
      ],
    });
    await commit({ groupId: 'simple', offsets: [['t', 0, 99]] });
    await h.restart();
    expect(fetched()).toEqual({ 't-0': 11, 't-1': 12 });
    expect(fetched('simple')).toEqual({ 't-0': 99 });
    const listed = h.coordinator.list([], [])!.map((g) => [g.groupId, g.state, g.protocolType]);
    expect(listed.sort()).toEqual([
      ['g', 'Stable', 'consumer'],
      ['simple', 'Empty', ''],
    ]);
    // The member carries on: no rebalance, its commits are accepted.
    expect(heartbeat(m)).toBe(ErrorCode.NONE);
    expect(await commit({ generationId: 1, memberId: m, offsets: [['t', 0, 13]] })).toEqual([0]);
    const sync = h.sync('g', 1, m);
    await flush();
    expect(sync.value.assignment.toString()).toBe('x');
    expect(h.coordinator.describe('g').members[0]).toMatchObject({
      memberId: m,
      clientId: 'client',
    });
    // A member that does not come back expires after its session timeout.
    await h.tick(10_000);
    expect(h.coordinator.group('g')?.state).toBe('Empty');
    await h.restart();
    expect(h.coordinator.group('g')?.state).toBe('Empty');
    expect(heartbeat(m)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const again = await h.joinNew();
    await h.tick();
    expect(again.value.generationId).toBe(3); // generations continue after restarts
    expect(fetched()).toEqual({ 't-0': 13, 't-1': 12 });
  });

  it('recovers the offsets after a crash left half a record at the end of the file', async () => {
    await commit({ offsets: [['t', 0, 1]] });
    await commit({
      offsets: [
        ['t', 0, 2],
        ['t', 1, 2],
      ],
    });
    await h.coordinator.close();
    const torn = encodeFrame([
      {
        type: 'offset',
        group: 'g',
        topic: 't',
        partition: 0,
        value: {
          offset: 3,
          leaderEpoch: -1,
          metadata: '',
          commitTimestamp: 0,
          expireTimestamp: -1,
        },
      },
    ]);
    await appendFile(join(h.dir, 'offsets.log'), torn.subarray(0, torn.length - 3));
    await h.restart();
    expect(fetched()).toEqual({ 't-0': 2, 't-1': 2 });
    expect(await commit({ offsets: [['t', 0, 4]] })).toEqual([0]);
    await h.restart();
    expect(fetched()).toEqual({ 't-0': 4, 't-1': 2 });
  });

  it('brings a group that was rebalancing at shutdown back at its last Stable generation', async () => {
    const m = await stableMember();
    track(h.coordinator.join(joinRequest({ memberId: m })));
    await flush();
    expect(h.coordinator.group('g')?.state).toBe('CompletingRebalance');
    await h.restart();
    expect(h.coordinator.group('g')).toMatchObject({ state: 'Stable', generationId: 1 });
    expect(heartbeat(m, 2)).toBe(ErrorCode.ILLEGAL_GENERATION); // the client rejoins
  });
});
