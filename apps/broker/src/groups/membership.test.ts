import { ErrorCode } from '@tributary/kafka-protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JoinResult } from './classic-group.js';
import { Harness, flush, joinRequest, subscription, track, type Tracked } from './testing.js';

let h: Harness;

afterEach(async () => {
  await h.stop();
});

/** Three dynamic members through MEMBER_ID_REQUIRED, join, sync: a Stable group at generation 1. */
async function stableGroupOfThree(): Promise<string[]> {
  const joins = [await h.joinNew(), await h.joinNew(), await h.joinNew()];
  await h.tick();
  const results = joins.map((j) => {
    expect(j.done).toBe(true);
    return j.value;
  });
  const ids = results.map((r) => r.memberId);
  const leader = results[0].leader;
  const followers = ids.filter((id) => id !== leader);
  const syncs = followers.map((id) => h.sync('g', 1, id));
  await flush();
  expect(syncs.every((s) => !s.done)).toBe(true);
  const leaderSync = h.sync(
    'g',
    1,
    leader,
    ids.map((id) => [id, `assignment-of-${id}`] as [string, string]),
  );
  await flush();
  for (const s of [...syncs, leaderSync]) expect(s.value.errorCode).toBe(ErrorCode.NONE);
  expect(h.coordinator.group('g')?.state).toBe('Stable');
  return [leader, ...followers];
}

function heartbeat(
  memberId: string,
  generationId = 1,
  groupInstanceId: string | null = null,
): number {
  return h.coordinator.heartbeat({ groupId: 'g', generationId, memberId, groupInstanceId });
}

function rejoin(
  memberId: string,
  init: Parameters<typeof joinRequest>[0] = {},
): Tracked<JoinResult> {
  return track(h.coordinator.join(joinRequest({ memberId, ...init })));
}

describe('classic group membership', () => {
  beforeEach(async () => {
    h = await Harness.start();
  });

  it('forms a group of three: one generation, a leader with the member list, assignments from the leader', async () => {
    const joins = [await h.joinNew(), await h.joinNew(), await h.joinNew()];
    await flush();
    expect(joins.some((j) => j.done)).toBe(false); // parked until the (0 ms) initial delay runs
    await h.tick();
    const results = joins.map((j) => j.value);
    expect(new Set(results.map((r) => r.generationId))).toEqual(new Set([1]));
    expect(new Set(results.map((r) => r.leader)).size).toBe(1);
    expect(results.every((r) => r.protocolName === 'range' && r.protocolType === 'consumer')).toBe(
      true,
    );
    const leader = results.find((r) => r.memberId === r.leader)!;
    expect(leader.members.map((m) => m.memberId).sort()).toEqual(
      results.map((r) => r.memberId).sort(),
    );
    expect(leader.members[0].metadata.equals(subscription(['t']))).toBe(true);
    expect(results.filter((r) => r.members.length > 0)).toHaveLength(1);
    expect(results.every((r) => r.memberId.startsWith('client-'))).toBe(true);

    const ids = results.map((r) => r.memberId);
    const follower = h.sync('g', 1, ids[1]);
    await flush();
    expect(follower.done).toBe(false);
    expect(h.coordinator.group('g')?.state).toBe('CompletingRebalance');
    const leaderSync = h.sync('g', 1, leader.memberId, [
      [ids[0], 'a0'],
      [ids[1], 'a1'],
    ]);
    await flush();
    expect(follower.value).toMatchObject({ errorCode: ErrorCode.NONE, protocolName: 'range' });
    expect(follower.value.assignment.toString()).toBe('a1');
    expect(leaderSync.value.assignment.toString()).toBe('a0');
    // The third member was left out by the leader: an empty assignment, answered at once in Stable.
    const late = h.sync('g', 1, ids[2]);
    await flush();
    expect(late.value.errorCode).toBe(ErrorCode.NONE);
    expect(late.value.assignment.length).toBe(0);
    for (const id of ids) expect(heartbeat(id)).toBe(ErrorCode.NONE);

    const described = h.coordinator.describe('g');
    expect(described).toMatchObject({
      state: 'Stable',
      protocolType: 'consumer',
      protocolData: 'range',
    });
    expect(described.members).toHaveLength(3);
  });

  it('rebalances when a member leaves; the others rejoin into the next generation', async () => {
    const [leader, f1, f2] = await stableGroupOfThree();
    const left = h.coordinator.leave('g', [{ memberId: f2, groupInstanceId: null }]);
    expect(left.members[0].errorCode).toBe(ErrorCode.NONE);
    expect(h.coordinator.group('g')?.state).toBe('PreparingRebalance');
    expect(heartbeat(leader)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(heartbeat(f2)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const j1 = rejoin(leader);
    await flush();
    expect(j1.done).toBe(false);
    const j2 = rejoin(f1);
    await flush(); // all remaining members are back: no need to wait for the rebalance timeout
    expect(j1.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2, leader });
    expect(j1.value.members).toHaveLength(2);
    expect(j2.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2, members: [] });
  });

  it('removes a member that does not rejoin within the rebalance timeout', async () => {
    const [leader, f1, f2] = await stableGroupOfThree();
    const j1 = rejoin(leader); // the leader rejoining forces a rebalance
    const j2 = rejoin(f1);
    await flush();
    expect(h.coordinator.group('g')?.state).toBe('PreparingRebalance');
    // f2 stays alive (heartbeats) but never rejoins.
    for (let t = 0; t < 25_000; t += 5_000) {
      await h.tick(5_000);
      expect(heartbeat(f2)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    expect(j1.done).toBe(false);
    await h.tick(5_000); // 30 s: the rebalance timeout
    expect(j1.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2 });
    expect(j1.value.members.map((m) => m.memberId).sort()).toEqual([leader, f1].sort());
    expect(j2.value.generationId).toBe(2);
    expect(heartbeat(f2, 2)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('expires a member whose session times out, and rebalances the rest', async () => {
    const [leader, f1, f2] = await stableGroupOfThree();
    await h.tick(4_000);
    expect(heartbeat(leader)).toBe(ErrorCode.NONE);
    expect(heartbeat(f1)).toBe(ErrorCode.NONE);
    await h.tick(4_000);
    expect(heartbeat(leader)).toBe(ErrorCode.NONE);
    expect(heartbeat(f1)).toBe(ErrorCode.NONE);
    expect(h.coordinator.group('g')?.has(f2)).toBe(true);
    await h.tick(2_000); // f2's 10 s session is over
    expect(h.coordinator.group('g')?.has(f2)).toBe(false);
    expect(h.coordinator.group('g')?.state).toBe('PreparingRebalance');
    expect(heartbeat(leader)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it('answers MEMBER_ID_REQUIRED with a client-id-based member id, and forgets it if the member never comes back', async () => {
    const first = await h.coordinator.join(joinRequest());
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^client-[0-9a-f-]{36}$/);
    expect(first.protocolName).toBeNull();
    await h.tick(10_000); // its session timeout
    const late = await h.coordinator.join(joinRequest({ memberId: first.memberId }));
    expect(late.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // Before v4 a member joins directly.
    const old = track(h.coordinator.join(joinRequest({ requireKnownMemberId: false })));
    await h.tick();
    expect(old.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1 });
  });

  it('rejects stale generations, unknown members and bad requests with Kafka error codes', async () => {
    const [leader] = await stableGroupOfThree();
    expect(heartbeat(leader, 0)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(heartbeat('nobody')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(
      h.coordinator.heartbeat({
        groupId: 'other',
        generationId: 1,
        memberId: leader,
        groupInstanceId: null,
      }),
    ).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const sync = h.sync('g', 7, leader);
    await flush();
    expect(sync.value.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    const inconsistentSync = track(
      h.coordinator.sync({
        groupId: 'g',
        generationId: 1,
        memberId: leader,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocolName: 'roundrobin',
        assignments: [],
      }),
    );
    await flush();
    expect(inconsistentSync.value.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);

    const join = (init: Parameters<typeof joinRequest>[0]): Promise<JoinResult> =>
      h.coordinator.join(joinRequest(init));
    expect((await join({ groupId: '' })).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    expect((await join({ sessionTimeoutMs: 500 })).errorCode).toBe(
      ErrorCode.INVALID_SESSION_TIMEOUT,
    );
    expect((await join({ sessionTimeoutMs: 2_000_000 })).errorCode).toBe(
      ErrorCode.INVALID_SESSION_TIMEOUT,
    );
    expect((await join({ protocolType: 'connect' })).errorCode).toBe(
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    );
    expect(
      (await join({ protocols: [{ name: 'sticky', metadata: Buffer.alloc(0) }] })).errorCode,
    ).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await join({ groupId: 'fresh', protocols: [] })).errorCode).toBe(
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    );
    expect((await join({ groupId: 'missing', memberId: 'm-1' })).errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
  });

  it('chooses the protocol every member supports, by preference vote', async () => {
    const rr = { name: 'roundrobin', metadata: Buffer.from('rr') };
    const range = { name: 'range', metadata: Buffer.from('range') };
    const sticky = { name: 'sticky', metadata: Buffer.from('sticky') };
    const joins = [
      await h.joinNew({ protocols: [range, rr, sticky] }),
      await h.joinNew({ protocols: [range, rr] }),
      await h.joinNew({ protocols: [rr, range] }),
    ];
    await h.tick();
    expect(joins.map((j) => j.value.protocolName)).toEqual(['range', 'range', 'range']);
    const leader = joins.find((j) => j.value.members.length > 0)!.value;
    expect(leader.members.map((m) => m.metadata.toString())).toEqual(['range', 'range', 'range']);
    // A newcomer must share a protocol with every member: sticky is not one.
    const fourth = await h.coordinator.join(joinRequest({ protocols: [sticky] }));
    expect(fourth.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('refuses members beyond group.max.size', async () => {
    await h.stop();
    h = await Harness.start({ maxSize: 2 });
    await h.joinNew();
    await h.joinNew();
    await h.tick();
    const third = await h.coordinator.join(joinRequest());
    expect(third.errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
  });

  it('removes members that never send SyncGroup after the join, and rebalances', async () => {
    const joins = [await h.joinNew(), await h.joinNew()];
    await h.tick();
    const leader = joins[0].value.leader;
    const follower = joins.map((j) => j.value.memberId).find((id) => id !== leader)!;
    h.sync('g', 1, leader, []);
    await flush();
    expect(h.coordinator.group('g')?.state).toBe('Stable');
    for (let t = 5_000; t < 30_000; t += 5_000) {
      await h.tick(5_000);
      expect(heartbeat(leader)).toBe(ErrorCode.NONE);
      expect(heartbeat(follower)).toBe(ErrorCode.NONE); // heartbeats alone do not count as a sync
    }
    await h.tick(5_000); // 30 s rebalance timeout since the join completed
    expect(h.coordinator.group('g')?.has(follower)).toBe(false);
    expect(heartbeat(leader)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it('elects a new leader when the leader does not rejoin', async () => {
    const [leader, f1, f2] = await stableGroupOfThree();
    const j1 = rejoin(f1, { protocols: [{ name: 'range', metadata: subscription(['t', 'u']) }] });
    const j2 = rejoin(f2);
    await flush();
    for (let t = 0; t < 30_000; t += 5_000) {
      heartbeat(leader);
      await h.tick(5_000);
    }
    expect(j1.value.generationId).toBe(2);
    expect([f1, f2]).toContain(j1.value.leader);
    expect(j2.value.leader).toBe(j1.value.leader);
    expect(h.coordinator.group('g')?.has(leader)).toBe(false);
  });

  it('answers parked JoinGroups with NOT_COORDINATOR on shutdown', async () => {
    const [leader, f1] = await stableGroupOfThree();
    const parked = rejoin(leader);
    rejoin(f1);
    await flush();
    expect(parked.done).toBe(false);
    h.coordinator.shutdown();
    await flush();
    expect(parked.value.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(heartbeat(f1)).toBe(ErrorCode.NOT_COORDINATOR);
  });

  it('drops a new member whose connection closes while its JoinGroup is parked', async () => {
    const [leader, f1, f2] = await stableGroupOfThree();
    const first = await h.coordinator.join(joinRequest());
    const gone = new AbortController();
    const parked = track(
      h.coordinator.join(joinRequest({ memberId: first.memberId }), gone.signal),
    );
    await flush();
    expect(h.coordinator.group('g')?.state).toBe('PreparingRebalance');
    const stays = new AbortController();
    const leaderJoin = track(h.coordinator.join(joinRequest({ memberId: leader }), stays.signal));
    gone.abort();
    stays.abort(); // an existing member is not dropped on disconnect (it may retry), as in Kafka
    expect(h.coordinator.group('g')?.has(first.memberId)).toBe(false);
    expect(h.coordinator.group('g')?.has(leader)).toBe(true);
    const others = [rejoin(f1), rejoin(f2)];
    await flush();
    expect(parked.value.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(leaderJoin.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2 });
    expect(leaderJoin.value.members).toHaveLength(3);
    expect(others.every((j) => j.value.generationId === 2)).toBe(true);
  });

  it('answers a JoinGroup replaced by a newer one from the same member', async () => {
    const [leader] = await stableGroupOfThree();
    const first = rejoin(leader);
    await flush();
    const second = rejoin(leader);
    await flush();
    expect(first.value.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(second.done).toBe(false);
  });
});

describe('static membership', () => {
  beforeEach(async () => {
    h = await Harness.start();
  });

  async function stableStaticGroup(): Promise<{ a: string; b: string }> {
    const ja = track(h.coordinator.join(joinRequest({ groupInstanceId: 'a' })));
    const jb = track(h.coordinator.join(joinRequest({ groupInstanceId: 'b' })));
    await h.tick();
    const a = ja.value.memberId;
    const b = jb.value.memberId;
    expect(a).toMatch(/^a-/);
    expect(ja.value.leader).toBe(a);
    const sb = track(
      h.coordinator.sync({
        groupId: 'g',
        generationId: 1,
        memberId: b,
        groupInstanceId: 'b',
        protocolType: null,
        protocolName: null,
        assignments: [],
      }),
    );
    h.sync('g', 1, a, [
      [a, 'A'],
      [b, 'B'],
    ]);
    await flush();
    expect(sb.value.assignment.toString()).toBe('B');
    return { a, b };
  }

  it('lets a restarted static member take its place without a rebalance and fences the old member id', async () => {
    const { a, b } = await stableStaticGroup();
    const restarted = await h.coordinator.join(joinRequest({ groupInstanceId: 'b' }));
    expect(restarted).toMatchObject({
      errorCode: ErrorCode.NONE,
      generationId: 1,
      leader: a,
      members: [],
    });
    const b2 = restarted.memberId;
    expect(b2).not.toBe(b);
    expect(h.coordinator.group('g')?.state).toBe('Stable');
    const sync = track(
      h.coordinator.sync({
        groupId: 'g',
        generationId: 1,
        memberId: b2,
        groupInstanceId: 'b',
        protocolType: null,
        protocolName: null,
        assignments: [],
      }),
    );
    await flush();
    expect(sync.value.assignment.toString()).toBe('B'); // the old member's assignment carries over
    expect(heartbeat(b, 1, 'b')).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(heartbeat(b2, 1, 'b')).toBe(ErrorCode.NONE);
    expect(heartbeat(a, 1, 'a')).toBe(ErrorCode.NONE);
    const commit = await h.coordinator.commitOffsets({
      groupId: 'g',
      generationId: 1,
      memberId: b,
      groupInstanceId: 'b',
      retentionTimeMs: -1,
      groupIdNotFound: false,
      partitions: [
        {
          topic: 't',
          partition: 0,
          offset: 1,
          leaderEpoch: -1,
          metadata: null,
          commitTimestamp: -1,
        },
      ],
    });
    expect(commit).toEqual([ErrorCode.FENCED_INSTANCE_ID]);
  });

  it('fences a parked JoinGroup of the old member id', async () => {
    const { a, b } = await stableStaticGroup();
    const oldJoin = track(
      h.coordinator.join(
        joinRequest({
          memberId: b,
          groupInstanceId: 'b',
          protocols: [{ name: 'range', metadata: subscription(['x']) }],
        }),
      ),
    );
    await flush();
    expect(oldJoin.done).toBe(false); // metadata changed: a rebalance started
    const replacement = track(h.coordinator.join(joinRequest({ groupInstanceId: 'b' })));
    await flush();
    expect(oldJoin.value.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    rejoin(a, { groupInstanceId: 'a' });
    await flush();
    expect(replacement.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2 });
  });

  it('tells a rejoining static leader to skip assignment (JoinGroup v9)', async () => {
    const { b } = await stableStaticGroup();
    const leader = await h.coordinator.join(
      joinRequest({ groupInstanceId: 'a', supportSkippingAssignment: true }),
    );
    expect(leader).toMatchObject({
      errorCode: ErrorCode.NONE,
      generationId: 1,
      skipAssignment: true,
    });
    expect(leader.leader).toBe(leader.memberId);
    expect(leader.members.map((m) => m.memberId).sort()).toEqual([leader.memberId, b].sort());
    expect(h.coordinator.group('g')?.state).toBe('Stable');
  });

  it('keeps a static member that misses a rebalance until its session expires; leaving by instance id rebalances', async () => {
    const { a, b } = await stableStaticGroup();
    const ja = rejoin(a, { groupInstanceId: 'a' });
    for (let t = 0; t < 30_000; t += 5_000) {
      expect(heartbeat(b, 1, 'b')).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      await h.tick(5_000); // b stays alive but does not rejoin: a static member keeps its place
    }
    expect(ja.value.generationId).toBe(2);
    expect(ja.value.members.map((m) => m.memberId).sort()).toEqual([a, b].sort());
    const left = h.coordinator.leave('g', [{ memberId: '', groupInstanceId: 'b' }]);
    expect(left.members[0].errorCode).toBe(ErrorCode.NONE);
    expect(h.coordinator.group('g')?.has(b)).toBe(false);
    expect(h.coordinator.group('g')?.state).toBe('PreparingRebalance');
    const unknown = h.coordinator.leave('g', [{ memberId: '', groupInstanceId: 'zzz' }]);
    expect(unknown.members[0].errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });
});
