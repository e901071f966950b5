/**
 * Committed offsets of classic groups: OffsetCommit validation (as Kafka's classic groups
 * validate it), OffsetFetch, OffsetDelete, removal with deleted topics, and retention.
 * Offsets live in the OffsetStore and become visible once durable; the groups they belong to
 * are the coordinator's, reached through OffsetHost.
 */
import { ErrorCode } from '@tributary/kafka-protocol';
import type { Logger } from '../logger.js';
import type { ClassicGroup } from './classic-group.js';
import type { GroupConfig } from './group-config.js';
import type { CommittedOffset, OffsetStore, StoreRecord } from './offset-store.js';
import { expiredOffsets } from './offset-retention.js';
import type { Scheduler } from './scheduler.js';

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

/** What offset handling needs from the coordinator that owns the groups. */
export interface OffsetHost {
  readonly store: OffsetStore;
  readonly config: GroupConfig;
  readonly scheduler: Scheduler;
  readonly log: Logger;
  isActive(): boolean;
  liveGroup(groupId: string): ClassicGroup | undefined;
  /** A snapshot of the live groups. */
  groups(): ClassicGroup[];
  createGroup(groupId: string): ClassicGroup;
  /** Removes a group from the live set; the caller writes its tombstone. */
  dropGroup(group: ClassicGroup): void;
  /** A commit from a member counts as a sign of life (resets its session timer). */
  touch(group: ClassicGroup, memberId: string): void;
}

export class OffsetManager {
  constructor(private readonly host: OffsetHost) {}

  private get store(): OffsetStore {
    return this.host.store;
  }

  /** Error code per partition, in request order. */
  async commitOffsets(req: CommitRequest): Promise<number[]> {
    const all = (code: number): number[] => req.partitions.map(() => code);
    if (!this.host.isActive()) return all(ErrorCode.NOT_COORDINATOR);
    let group = this.host.liveGroup(req.groupId);
    if (!group) {
      // A simple consumer (no group management) creates its group by committing.
      if (req.generationId >= 0)
        return all(
          req.groupIdNotFound ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION,
        );
      group = this.host.createGroup(req.groupId);
    }
    const error = this.validateCommit(group, req);
    if (error !== ErrorCode.NONE) return all(error);
    if (group.is('Stable') || group.is('PreparingRebalance')) this.host.touch(group, req.memberId);

    const now = this.host.scheduler.now();
    const records: StoreRecord[] = [];
    const errors = req.partitions.map((p) => {
      const metadata = p.metadata ?? '';
      if (metadata.length > this.host.config.offsetMetadataMaxBytes)
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
    if (!this.host.isActive()) return { errorCode: ErrorCode.NOT_COORDINATOR, topics: [] };
    const exists = this.host.liveGroup(groupId) !== undefined;
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
    if (!this.host.isActive()) return groupError(ErrorCode.NOT_COORDINATOR);
    if (groupId === '') return groupError(ErrorCode.INVALID_GROUP_ID);
    const group = this.host.liveGroup(groupId);
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
    if (this.host.liveGroup(groupId) === group && group.is('Empty') && this.removable(group)) {
      this.host.dropGroup(group);
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
    for (const group of this.host.groups()) {
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
        this.host.dropGroup(group);
        records.push({ type: 'group-delete', group: group.groupId });
      }
    }
    if (records.length === 0) return;
    await this.store.append(records).catch((err: unknown) => {
      this.host.log.warn(
        `group coordinator: offsets of deleted topics not removed: ${(err as Error).message}`,
      );
    });
  }

  private removable(group: ClassicGroup): boolean {
    return (
      group.is('Empty') && group.pendingMembers.size === 0 && !this.store.hasOffsets(group.groupId)
    );
  }

  /** Drops expired offsets and the Empty groups left without any (see offset-retention.ts). */
  async expireOffsets(): Promise<void> {
    const now = this.host.scheduler.now();
    const records: StoreRecord[] = [];
    for (const group of this.host.groups()) {
      const id = group.groupId;
      const { expired, allExpired } = expiredOffsets(
        group,
        this.store.offsets(id),
        now,
        this.host.config.offsetsRetentionMs,
        (topic, partition) => this.store.hasPendingCommit(id, topic, partition),
      );
      for (const { topic, partition } of expired)
        records.push({ type: 'offset-delete', group: id, topic, partition });
      if (allExpired && group.is('Empty') && group.pendingMembers.size === 0) {
        this.host.dropGroup(group);
        records.push({ type: 'group-delete', group: id });
      }
    }
    if (records.length === 0) return;
    try {
      await this.store.append(records);
      this.host.log.debug(`group coordinator: expired ${records.length} offsets/groups`);
    } catch (err) {
      this.host.log.warn(`group coordinator: offset expiry not written: ${(err as Error).message}`);
    }
  }
}
