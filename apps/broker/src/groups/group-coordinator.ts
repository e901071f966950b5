/**
 * The classic group coordinator of this broker: it coordinates every group. Owns the live
 * groups, the durable offset store and the one scheduler all timeouts go through.
 * Membership (join/sync/heartbeat/leave) lives in membership.ts and rebalance.ts, offsets
 * in offset-manager.ts; group description, listing, deletion and the lifecycle live here.
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
  type GroupState,
  type JoinResult,
  type SyncResult,
} from './classic-group.js';
import type { GroupConfig } from './group-config.js';
import { fromGroupRecord, toGroupRecord } from './group-records.js';
import {
  Membership,
  type HeartbeatRequest,
  type JoinRequest,
  type LeaveResult,
  type LeavingMember,
  type SyncRequest,
} from './membership.js';
import {
  OffsetManager,
  type CommitRequest,
  type FetchResult,
  type OffsetHost,
} from './offset-manager.js';
import { OffsetStore, type OffsetStoreOptions, type StoreRecord } from './offset-store.js';
import type { GroupHost } from './rebalance.js';
import { KeyedTimers, systemScheduler, type ScheduledTask, type Scheduler } from './scheduler.js';

export type { CommitRequest, FetchedPartition, FetchResult } from './offset-manager.js';

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
  private readonly offsets: OffsetManager;
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
    const offsetHost: OffsetHost = {
      store,
      config,
      scheduler,
      log,
      isActive: () => this.active,
      liveGroup: (id) => this.groups.get(id),
      groups: () => [...this.groups.values()],
      createGroup: (id) => this.createGroup(id),
      dropGroup: (g) => this.dropGroup(g),
      touch: (g, memberId) => this.membership.touch(g, memberId),
    };
    this.offsets = new OffsetManager(offsetHost);
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
      const group = fromGroupRecord(id, this.store.groupRecord(id), now, true);
      this.groups.set(id, group);
      if (group.is('Stable')) this.membership.resume(group);
    }
  }

  private createGroup(groupId: string): ClassicGroup {
    const group = new ClassicGroup(groupId, this.scheduler.now());
    this.groups.set(groupId, group);
    return group;
  }

  private persistGroup(group: ClassicGroup): void {
    const value = toGroupRecord(group);
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

  commitOffsets(req: CommitRequest): Promise<number[]> {
    return this.offsets.commitOffsets(req);
  }

  fetchOffsets(
    groupId: string,
    topics: ReadonlyArray<{ name: string; partitionIndexes: readonly number[] }> | null,
    requireStable: boolean,
  ): FetchResult {
    return this.offsets.fetchOffsets(groupId, topics, requireStable);
  }

  deleteOffsets(
    groupId: string,
    partitions: ReadonlyArray<{ topic: string; partition: number }>,
  ): Promise<{ errorCode: number; partitionErrors: number[] }> {
    return this.offsets.deleteOffsets(groupId, partitions);
  }

  /** Call after a topic is deleted: its offsets go from every group (Kafka's onPartitionsDeleted). */
  deleteTopicOffsets(topics: readonly string[]): Promise<void> {
    return this.offsets.deleteTopicOffsets(topics);
  }

  /** Runs the offset retention check now (it also runs every offsets.retention.check.interval.ms). */
  expireOffsets(): Promise<void> {
    return this.offsets.expireOffsets();
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
    const group = fromGroupRecord(
      groupId,
      this.store.groupRecord(groupId),
      this.scheduler.now(),
      false,
    );
    this.groups.set(groupId, group);
  }

  // ---- Offset retention ------------------------------------------------------------------
  private scheduleCleanup(): void {
    this.cleanupTask = this.scheduler.schedule(this.config.offsetsRetentionCheckIntervalMs, () => {
      this.scheduleCleanup();
      // Overlapping checks (an fsync slower than the interval) only repeat idempotent tombstones.
      void this.expireOffsets();
    });
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
