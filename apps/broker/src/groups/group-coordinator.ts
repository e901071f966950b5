/**
 * The classic group coordinator of this broker: it coordinates every group. Owns the live
 * groups, the durable offset store and the one scheduler all timeouts go through.
 * Membership (join/sync/heartbeat/leave) lives in membership.ts; offsets, group listing,
 * deletion and offset retention live here.
 *
 * Concurrency model: group state is mutated only synchronously on the event loop. The only
 * awaits are on the store; they come after all validation and state changes of a request, so
 * a request's checks and its effects on membership never interleave with another request's.
 * Offsets become visible when durable (the store applies them after fsync).
 */
import { ErrorCode } from '@tributary/kafka-protocol';
import type { Logger } from '../logger.js';
import {
  ClassicGroup,
  GroupMember,
  type GroupState,
  type JoinResult,
  type SyncResult,
} from './classic-group.js';
import type { GroupConfig } from './group-config.js';
import {
  Membership,
  type HeartbeatRequest,
  type JoinRequest,
  type LeaveResult,
  type LeavingMember,
  type SyncRequest,
} from './membership.js';
import {
  OffsetStore,
  type CommittedOffset,
  type GroupRecord,
  type OffsetStoreOptions,
  type StoreRecord,
} from './offset-store.js';
import { expiredOffsets } from './offset-retention.js';
import type { GroupHost } from './rebalance.js';
import { KeyedTimers, systemScheduler, type ScheduledTask, type Scheduler } from './scheduler.js';

export interface CommitRequest {
  groupId: string;
  /** -1 for commits outside group management (simple consumers, admin clients). */
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** OffsetCommit v2-4 retention_time_ms; -1 for the broker's retention. */
  retentionTimeMs: number;
  /** OffsetCommit v9+ answers GROUP_ID_NOT_FOUND where older versions get ILLEGAL_GENERATION. */
  groupIdNotFound: boolean;
  partitions: Array<{
    topic: string;
    partition: number;
    offset: number;
    leaderEpoch: number;
    metadata: string | null;
    /** OffsetCommit v1 commit_timestamp; -1 means now. */
    commitTimestamp: number;
  }>;
}

export interface FetchedPartition {
  partitionIndex: number;
  committedOffset: number;
  committedLeaderEpoch: number;
  metadata: string;
  errorCode: number;
}

export interface FetchResult {
  errorCode: number;
  topics: Array<{ name: string; partitions: FetchedPartition[] }>;
}

export interface GroupDescription {
  errorCode: number;
  groupId: string;
  state: GroupState;
  protocolType: string;
  protocolData: string;
  members: Array<{
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    metadata: Buffer;
    assignment: Buffer;
  }>;
}

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  state: GroupState;
  type: 'classic';
}

export interface OpenOptions extends OffsetStoreOptions {
  scheduler?: Scheduler;
  log: Logger;
}

export class GroupCoordinator {
  private readonly groups = new Map<string, ClassicGroup>();
  private readonly membership: Membership;
  private readonly timers: KeyedTimers;
  private cleanupTask: ScheduledTask | null = null;
  private active = true;

  private constructor(
    private readonly store: OffsetStore,
    private readonly config: GroupConfig,
    private readonly scheduler: Scheduler,
    private readonly log: Logger,
  ) {
    this.timers = new KeyedTimers(scheduler);
    const host: GroupHost = {
      config,
      scheduler,
      timers: this.timers,
      log,
      isActive: () => this.active,
      liveGroup: (id) => this.groups.get(id),
      createGroup: (id) => this.createGroup(id),
      persistGroup: (g) => this.persistGroup(g),
    };
    this.membership = new Membership(host);
  }

  static async open(
    dir: string,
    config: GroupConfig,
    options: OpenOptions,
  ): Promise<GroupCoordinator> {
    const store = await OffsetStore.open(dir, { ...options, log: options.log });
    const coordinator = new GroupCoordinator(
      store,
      config,
      options.scheduler ?? systemScheduler,
      options.log,
    );
    coordinator.loadGroups();
    coordinator.scheduleCleanup();
    return coordinator;
  }

  /**
   * Groups come back as last recorded: Empty (retention counting from when they became Empty,
   * or from now if they were rebalancing at shutdown), or Stable with their members and
   * assignments, who must heartbeat within their session timeout (as Kafka reloads groups).
   */
  private loadGroups(): void {
    const now = this.scheduler.now();
    for (const id of this.store.groupIds()) {
      const record = this.store.groupRecord(id);
      const group = new ClassicGroup(id, record?.empty ? record.stateTimestamp : now);
      this.groups.set(id, group);
      if (!record) continue;
      group.protocolType = record.protocolType;
      group.generationId = record.generationId;
      if (group.protocolType === 'consumer') group.subscribedTopics = new Set();
      if (record.members?.length && record.protocolName && record.protocolType !== null) {
        for (const m of record.members) {
          const member = new GroupMember(
            m.memberId,
            m.groupInstanceId,
            m.clientId,
            m.clientHost,
            m.rebalanceTimeoutMs,
            m.sessionTimeoutMs,
            record.protocolType,
            [{ name: record.protocolName, metadata: Buffer.from(m.metadata, 'base64') }],
          );
          member.assignment = Buffer.from(m.assignment, 'base64');
          group.add(member, null);
        }
        group.restoreStable(record.generationId, record.protocolName, record.leaderId ?? '', now);
        this.membership.resume(group);
      }
    }
  }

  private createGroup(groupId: string): ClassicGroup {
    const group = new ClassicGroup(groupId, this.scheduler.now());
    this.groups.set(groupId, group);
    return group;
  }

  private persistGroup(group: ClassicGroup): void {
    const value: GroupRecord = {
      protocolType: group.protocolType,
      generationId: group.generationId,
      empty: group.is('Empty'),
      stateTimestamp: group.stateTimestamp,
    };
    if (group.is('Stable') && group.protocolName !== null) {
      const protocol = group.protocolName;
      value.protocolName = protocol;
      value.leaderId = group.leaderId;
      value.members = [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        sessionTimeoutMs: m.sessionTimeoutMs,
        metadata: m.metadata(protocol).toString('base64'),
        assignment: m.assignment.toString('base64'),
      }));
    }
    this.store.append([{ type: 'group', group: group.groupId, value }]).catch((err: unknown) => {
      this.log.warn(
        `group ${group.groupId}: could not persist generation ${group.generationId}: ${(err as Error).message}`,
      );
    });
  }

  /** Removes a group from the live set; the caller writes its tombstone. */
  private dropGroup(group: ClassicGroup): void {
    group.transitionTo('Dead', this.scheduler.now());
    this.groups.delete(group.groupId);
  }

  // ---- Membership ------------------------------------------------------------------------

  join(req: JoinRequest, abandoned?: AbortSignal): Promise<JoinResult> {
    return this.membership.join(req, abandoned);
  }

  sync(req: SyncRequest): Promise<SyncResult> {
    return this.membership.sync(req);
  }

  heartbeat(req: HeartbeatRequest): number {
    return this.membership.heartbeat(req);
  }

  leave(groupId: string, members: LeavingMember[]): LeaveResult {
    return this.membership.leave(groupId, members);
  }

  // ---- Offsets ---------------------------------------------------------------------------

  /** Error code per partition, in request order. */
  async commitOffsets(req: CommitRequest): Promise<number[]> {
    const all = (code: number): number[] => req.partitions.map(() => code);
    if (!this.active) return all(ErrorCode.NOT_COORDINATOR);
    let group = this.groups.get(req.groupId);
    if (!group) {
      // A simple consumer (no group management) creates its group by committing.
      if (req.generationId >= 0)
        return all(
          req.groupIdNotFound ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION,
        );
      group = this.createGroup(req.groupId);
    }
    const error = this.validateCommit(group, req);
    if (error !== ErrorCode.NONE) return all(error);
    if (group.is('Stable') || group.is('PreparingRebalance'))
      this.membership.touch(group, req.memberId);

    const now = this.scheduler.now();
    const records: StoreRecord[] = [];
    const errors = req.partitions.map((p) => {
      const metadata = p.metadata ?? '';
      if (metadata.length > this.config.offsetMetadataMaxBytes)
        return ErrorCode.OFFSET_METADATA_TOO_LARGE;
      const commitTimestamp = p.commitTimestamp === -1 ? now : p.commitTimestamp;
      const value: CommittedOffset = {
        offset: p.offset,
        leaderEpoch: p.leaderEpoch,
        metadata,
        commitTimestamp,
        expireTimestamp: req.retentionTimeMs === -1 ? -1 : commitTimestamp + req.retentionTimeMs,
      };
      records.push({
        type: 'offset',
        group: req.groupId,
        topic: p.topic,
        partition: p.partition,
        value,
      });
      return ErrorCode.NONE;
    });
    try {
      await this.store.append(records);
    } catch {
      // As Kafka maps a failed __consumer_offsets append: the client finds the coordinator again and retries.
      return errors.map((e) => (e === ErrorCode.NONE ? ErrorCode.NOT_COORDINATOR : e));
    }
    return errors;
  }

  private validateCommit(group: ClassicGroup, req: CommitRequest): number {
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    // Generation -1 from outside group management may commit while nobody is in the group.
    if (req.generationId < 0 && group.is('Empty')) return ErrorCode.NONE;
    if (req.generationId >= 0 || req.memberId !== '' || req.groupInstanceId !== null) {
      const check = group.validateMember(req.memberId, req.groupInstanceId);
      if (check !== 'ok')
        return check === 'fenced' ? ErrorCode.FENCED_INSTANCE_ID : ErrorCode.UNKNOWN_MEMBER_ID;
      if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    } else if (!group.is('Empty')) {
      return ErrorCode.UNKNOWN_MEMBER_ID;
    }
    // A member that saw the JoinGroup response but not yet the assignment must not commit.
    if (group.is('CompletingRebalance')) return ErrorCode.REBALANCE_IN_PROGRESS;
    return ErrorCode.NONE;
  }

  /** Committed offsets of a group: all of them (topics null) or the ones asked for (-1 when none). */
  fetchOffsets(
    groupId: string,
    topics: ReadonlyArray<{ name: string; partitionIndexes: readonly number[] }> | null,
    requireStable: boolean,
  ): FetchResult {
    if (!this.active) return { errorCode: ErrorCode.NOT_COORDINATOR, topics: [] };
    const exists = this.groups.has(groupId);
    const fetch = (topic: string, partition: number): FetchedPartition => {
      if (exists && requireStable && this.store.hasPendingCommit(groupId, topic, partition)) {
        return {
          partitionIndex: partition,
          committedOffset: -1,
          committedLeaderEpoch: -1,
          metadata: '',
          errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT,
        };
      }
      const o = exists ? this.store.offset(groupId, topic, partition) : undefined;
      return {
        partitionIndex: partition,
        committedOffset: o?.offset ?? -1,
        committedLeaderEpoch: o?.leaderEpoch ?? -1,
        metadata: o?.metadata ?? '',
        errorCode: ErrorCode.NONE,
      };
    };
    if (topics === null) {
      const all = exists ? [...this.store.offsets(groupId)] : [];
      return {
        errorCode: ErrorCode.NONE,
        topics: all.map(([name, parts]) => ({
          name,
          partitions: [...parts.keys()].sort((a, b) => a - b).map((p) => fetch(name, p)),
        })),
      };
    }
    return {
      errorCode: ErrorCode.NONE,
      topics: topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((p) => fetch(t.name, p)),
      })),
    };
  }

  /** OffsetDelete: a group error, or an error per partition in request order. */
  async deleteOffsets(
    groupId: string,
    partitions: ReadonlyArray<{ topic: string; partition: number }>,
  ): Promise<{ errorCode: number; partitionErrors: number[] }> {
    const groupError = (errorCode: number): { errorCode: number; partitionErrors: number[] } => ({
      errorCode,
      partitionErrors: [],
    });
    if (!this.active) return groupError(ErrorCode.NOT_COORDINATOR);
    if (groupId === '') return groupError(ErrorCode.INVALID_GROUP_ID);
    const group = this.groups.get(groupId);
    if (!group) return groupError(ErrorCode.GROUP_ID_NOT_FOUND);
    if (!group.is('Empty') && group.protocolType !== 'consumer')
      return groupError(ErrorCode.NON_EMPTY_GROUP);
    const records: StoreRecord[] = [];
    const partitionErrors = partitions.map(({ topic, partition }) => {
      if (!group.is('Empty') && group.isSubscribedToTopic(topic))
        return ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC;
      if (this.store.offset(groupId, topic, partition))
        records.push({ type: 'offset-delete', group: groupId, topic, partition });
      return ErrorCode.NONE;
    });
    if (records.length === 0) return { errorCode: ErrorCode.NONE, partitionErrors };
    try {
      await this.store.append(records);
    } catch {
      return groupError(ErrorCode.UNKNOWN_SERVER_ERROR);
    }
    // As Kafka's cleanup: an Empty group left without offsets is gone.
    if (this.groups.get(groupId) === group && group.is('Empty') && this.removable(group)) {
      this.dropGroup(group);
      await this.store.append([{ type: 'group-delete', group: groupId }]).catch(() => undefined);
    }
    return { errorCode: ErrorCode.NONE, partitionErrors };
  }

  /**
   * A deleted topic takes its committed offsets with it, in every group (Kafka's
   * onPartitionsDeleted); Empty groups left without offsets go too. Call after a topic is
   * deleted, so a topic re-created under the same name starts without stale offsets.
   */
  async deleteTopicOffsets(topics: readonly string[]): Promise<void> {
    const gone = new Set(topics);
    const records: StoreRecord[] = [];
    for (const group of [...this.groups.values()]) {
      let remaining = 0;
      for (const [topic, parts] of this.store.offsets(group.groupId)) {
        if (!gone.has(topic)) {
          remaining += parts.size;
          continue;
        }
        for (const partition of parts.keys()) {
          records.push({ type: 'offset-delete', group: group.groupId, topic, partition });
        }
      }
      if (remaining === 0 && group.is('Empty') && group.pendingMembers.size === 0) {
        this.dropGroup(group);
        records.push({ type: 'group-delete', group: group.groupId });
      }
    }
    if (records.length === 0) return;
    await this.store.append(records).catch((err: unknown) => {
      this.log.warn(
        `group coordinator: offsets of deleted topics not removed: ${(err as Error).message}`,
      );
    });
  }

  private removable(group: ClassicGroup): boolean {
    return (
      group.is('Empty') && group.pendingMembers.size === 0 && !this.store.hasOffsets(group.groupId)
    );
  }

  // ---- Groups ----------------------------------------------------------------------------

  describe(groupId: string): GroupDescription {
    const group = this.groups.get(groupId);
    const base = { errorCode: ErrorCode.NONE, groupId };
    if (!this.active)
      return {
        ...base,
        errorCode: ErrorCode.NOT_COORDINATOR,
        state: 'Dead',
        protocolType: '',
        protocolData: '',
        members: [],
      };
    if (!group) return { ...base, state: 'Dead', protocolType: '', protocolData: '', members: [] };
    // Metadata and assignments only once Stable (as Kafka: they are not final before).
    const stable = group.is('Stable');
    const protocol = stable ? (group.protocolName ?? '') : '';
    return {
      ...base,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocolData: protocol,
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? m.metadata(protocol) : Buffer.alloc(0),
        assignment: stable ? m.assignment : Buffer.alloc(0),
      })),
    };
  }

  /** Groups, optionally filtered by state and type (both case-insensitive; every group here is classic). */
  list(statesFilter: readonly string[], typesFilter: readonly string[]): ListedGroup[] | null {
    if (!this.active) return null;
    const states = new Set(statesFilter.map((s) => s.toLowerCase()));
    const types = new Set(typesFilter.map((s) => s.toLowerCase()));
    if (types.size > 0 && !types.has('classic')) return [];
    return [...this.groups.values()]
      .filter((g) => states.size === 0 || states.has(g.state.toLowerCase()))
      .map((g) => ({
        groupId: g.groupId,
        protocolType: g.protocolType ?? '',
        state: g.state,
        type: 'classic' as const,
      }));
  }

  /** DeleteGroups: only Empty groups go (with their offsets); error per group in request order. */
  async deleteGroups(groupIds: readonly string[]): Promise<number[]> {
    const records: StoreRecord[] = [];
    const dropped: ClassicGroup[] = [];
    const errors = groupIds.map((id) => {
      if (!this.active) return ErrorCode.NOT_COORDINATOR;
      const group = this.groups.get(id);
      if (!group) return ErrorCode.GROUP_ID_NOT_FOUND;
      if (!group.is('Empty')) return ErrorCode.NON_EMPTY_GROUP;
      this.dropGroup(group);
      dropped.push(group);
      records.push({ type: 'group-delete', group: id });
      return ErrorCode.NONE;
    });
    if (records.length === 0) return errors;
    try {
      await this.store.append(records);
      return errors;
    } catch {
      // Not deleted after all: bring the groups back as the store still has them.
      for (const g of dropped) if (!this.groups.has(g.groupId)) this.restoreGroup(g.groupId);
      return errors.map((e) => (e === ErrorCode.NONE ? ErrorCode.UNKNOWN_SERVER_ERROR : e));
    }
  }

  private restoreGroup(groupId: string): void {
    const record = this.store.groupRecord(groupId);
    const group = this.createGroup(groupId);
    if (record) {
      group.protocolType = record.protocolType;
      group.generationId = record.generationId;
    }
  }

  // ---- Offset retention ------------------------------------------------------------------

  private scheduleCleanup(): void {
    this.cleanupTask = this.scheduler.schedule(this.config.offsetsRetentionCheckIntervalMs, () => {
      this.scheduleCleanup();
      // Overlapping checks (an fsync slower than the interval) only repeat idempotent tombstones.
      void this.expireOffsets();
    });
  }

  /** Drops expired offsets and the Empty groups left without any (see offset-retention.ts). */
  async expireOffsets(): Promise<void> {
    const now = this.scheduler.now();
    const records: StoreRecord[] = [];
    for (const group of [...this.groups.values()]) {
      const id = group.groupId;
      const { expired, allExpired } = expiredOffsets(
        group,
        this.store.offsets(id),
        now,
        this.config.offsetsRetentionMs,
        (topic, partition) => this.store.hasPendingCommit(id, topic, partition),
      );
      for (const { topic, partition } of expired)
        records.push({ type: 'offset-delete', group: id, topic, partition });
      if (allExpired && group.is('Empty') && group.pendingMembers.size === 0) {
        this.dropGroup(group);
        records.push({ type: 'group-delete', group: id });
      }
    }
    if (records.length === 0) return;
    try {
      await this.store.append(records);
      this.log.debug(`group coordinator: expired ${records.length} offsets/groups`);
    } catch (err) {
      this.log.warn(`group coordinator: offset expiry not written: ${(err as Error).message}`);
    }
  }

  // ---- Lifecycle -------------------------------------------------------------------------

  /** Stops coordinating: parked requests get NOT_COORDINATOR, timers stop, new requests are refused. */
  shutdown(): void {
    if (!this.active) return;
    this.active = false;
    this.cleanupTask?.cancel();
    this.timers.cancelAll();
    this.membership.abandonAll(this.groups.values());
  }

  /** shutdown(), then waits for queued writes and closes the store. */
  async close(): Promise<void> {
    this.shutdown();
    await this.store.close();
  }

  /** The live state of a group (tests and diagnostics). */
  group(groupId: string): ClassicGroup | undefined {
    return this.groups.get(groupId);
  }
}
