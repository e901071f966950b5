/**
 * The classic group state machine's engine: rebalance preparation, the join phase and its
 * completion (new generation, leader, protocol), assignment propagation, and the timers
 * that drive them: initial rebalance delay, join phase bounded by the longest rebalance
 * timeout, pending-sync expiry and session expiry. Follows Kafka 4.x's GroupMetadataManager
 * for classic groups. Requests enter through membership.ts.
 *
 * Concurrency model: every method runs to completion synchronously on the event loop, so a
 * group's state only changes between whole requests or whole timer callbacks. Parked
 * JoinGroup/SyncGroup requests are answered by calling the function they left on the member;
 * that only resolves a promise, so no handler code runs re-entrantly. Timers are keyed per
 * group/member and re-check that the group they captured is still the live one, so a
 * deleted-and-recreated group never sees its predecessor's timers.
 */
import { ErrorCode } from '@tributary/kafka-protocol';
import type { Logger } from '../logger.js';
import {
  EMPTY_ASSIGNMENT,
  type ClassicGroup,
  type GroupMember,
  type JoinResult,
} from './classic-group.js';
import type { GroupConfig } from './group-config.js';
import type { KeyedTimers, Scheduler } from './scheduler.js';

/** What the group state machine needs from the coordinator that owns the groups. */
export interface GroupHost {
  readonly config: GroupConfig;
  readonly scheduler: Scheduler;
  readonly timers: KeyedTimers;
  readonly log: Logger;
  isActive(): boolean;
  liveGroup(groupId: string): ClassicGroup | undefined;
  createGroup(groupId: string): ClassicGroup;
  /**
   * Records the group durably, in the background: when it turns Empty, and when a generation
   * becomes Stable (with its members and assignments, so members survive a restart).
   */
  persistGroup(group: ClassicGroup): void;
}

const joinKey = (g: ClassicGroup): string => `join\0${g.groupId}`;
const syncKey = (g: ClassicGroup): string => `sync\0${g.groupId}`;
const heartbeatKey = (g: ClassicGroup, memberId: string): string => `hb\0${g.groupId}\0${memberId}`;

export class Rebalancer {
  constructor(private readonly host: GroupHost) {}

  private get now(): number {
    return this.host.scheduler.now();
  }

  isLive(group: ClassicGroup): boolean {
    return this.host.liveGroup(group.groupId) === group && !group.is('Dead');
  }

  /** A member's answer for the current generation (the leader also gets the member list). */
  generationResult(
    group: ClassicGroup,
    memberId: string,
    withMembers: boolean,
    leader = group.leaderId,
  ): JoinResult {
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: leader ?? '',
      skipAssignment: false,
      memberId,
      members: withMembers ? group.currentMembers() : [],
    };
  }

  // ---- Rebalance state machine -----------------------------------------------------------

  maybePrepareRebalanceOrCompleteJoin(group: ClassicGroup): void {
    if (group.canRebalance()) this.prepareRebalance(group);
    else this.maybeCompleteJoinPhase(group);
  }

  prepareRebalance(group: ClassicGroup): void {
    if (group.is('CompletingRebalance'))
      this.resetAndPropagateAssignment(group, ErrorCode.REBALANCE_IN_PROGRESS);
    this.removeSyncExpiration(group);
    const initial = group.is('Empty');
    group.transitionTo('PreparingRebalance', this.now);
    if (initial) {
      // A new group waits group.initial.rebalance.delay.ms (extended while members keep arriving).
      const delay = this.host.config.initialRebalanceDelayMs;
      const remaining = Math.max(group.rebalanceTimeoutMs - delay, 0);
      this.host.timers.schedule(joinKey(group), delay, () =>
        this.tryCompleteInitialRebalance(group, delay, remaining),
      );
      return;
    }
    if (group.hasAllMembersJoined()) this.completeJoin(group);
    else this.scheduleJoinTimeout(group);
  }

  private scheduleJoinTimeout(group: ClassicGroup): void {
    this.host.timers.schedule(joinKey(group), group.rebalanceTimeoutMs, () => {
      if (this.isLive(group)) this.completeJoin(group);
    });
  }

  private tryCompleteInitialRebalance(group: ClassicGroup, delay: number, remaining: number): void {
    if (!this.isLive(group)) return;
    if (group.newMemberAdded && remaining !== 0) {
      group.newMemberAdded = false;
      const nextDelay = Math.min(this.host.config.initialRebalanceDelayMs, remaining);
      const nextRemaining = Math.max(remaining - delay, 0);
      this.host.timers.schedule(joinKey(group), nextDelay, () =>
        this.tryCompleteInitialRebalance(group, nextDelay, nextRemaining),
      );
    } else {
      this.completeJoin(group);
    }
  }

  /** Completes the join phase as soon as everyone is in (never early for an initial rebalance). */
  maybeCompleteJoinPhase(group: ClassicGroup): void {
    if (
      !group.is('PreparingRebalance') ||
      group.previousState === 'Empty' ||
      !group.hasAllMembersJoined()
    )
      return;
    this.completeJoin(group);
  }

  /**
   * Ends the join phase: dynamic members that did not rejoin are dropped (static ones keep
   * their place until their session expires), a new generation starts and every parked
   * JoinGroup is answered; the leader gets the member list.
   */
  completeJoin(group: ClassicGroup): void {
    const { timers } = this.host;
    timers.cancel(joinKey(group));
    for (const m of [...group.members.values()]) {
      if (!m.awaitingJoin && m.groupInstanceId === null) {
        group.remove(m.memberId);
        timers.cancel(heartbeatKey(group, m.memberId));
      }
    }
    if (group.is('Dead')) return;
    if (!group.maybeElectNewJoinedLeader() && group.size > 0) {
      // Only static members that have not rejoined are left: wait for them or their session expiry.
      this.scheduleJoinTimeout(group);
      return;
    }
    group.initNextGeneration(this.now);
    if (group.is('Empty')) {
      this.host.persistGroup(group);
      return;
    }
    this.host.log.debug(
      `group ${group.groupId}: generation ${group.generationId} with ${group.size} members, protocol ${group.protocolName}`,
    );
    for (const m of group.members.values()) {
      group.completeJoin(m, this.generationResult(group, m.memberId, group.isLeader(m.memberId)));
      this.rescheduleHeartbeat(group, m);
      m.isNew = false;
      group.pendingSyncMembers.add(m.memberId);
    }
    const generationId = group.generationId;
    this.host.timers.schedule(syncKey(group), group.rebalanceTimeoutMs, () =>
      this.expirePendingSync(group, generationId),
    );
  }

  /** Members that got a JoinGroup response but never sent SyncGroup are removed. */
  private expirePendingSync(group: ClassicGroup, generationId: number): void {
    if (!this.isLive(group) || generationId !== group.generationId) return;
    if (!group.is('CompletingRebalance') && !group.is('Stable')) return;
    if (group.pendingSyncMembers.size === 0) return;
    for (const memberId of [...group.pendingSyncMembers]) {
      group.remove(memberId);
      this.host.timers.cancel(heartbeatKey(group, memberId));
    }
    this.prepareRebalance(group);
  }

  private removeSyncExpiration(group: ClassicGroup): void {
    group.pendingSyncMembers.clear();
    this.host.timers.cancel(syncKey(group));
  }

  removePendingSyncMember(group: ClassicGroup, memberId: string): void {
    group.pendingSyncMembers.delete(memberId);
    const waiting = group.is('CompletingRebalance') || group.is('Stable');
    if (!waiting || group.pendingSyncMembers.size === 0) this.host.timers.cancel(syncKey(group));
  }

  private resetAndPropagateAssignment(group: ClassicGroup, errorCode: number): void {
    for (const m of group.members.values()) m.assignment = EMPTY_ASSIGNMENT;
    this.propagateAssignment(group, errorCode);
  }

  propagateAssignment(group: ClassicGroup, errorCode: number): void {
    const ok = errorCode === ErrorCode.NONE;
    for (const m of group.members.values()) {
      const answered = group.completeSync(m, {
        errorCode,
        protocolType: ok ? group.protocolType : null,
        protocolName: ok ? group.protocolName : null,
        assignment: m.assignment,
      });
      if (answered) this.rescheduleHeartbeat(group, m);
    }
  }

  // ---- Heartbeats and session expiry -----------------------------------------------------

  rescheduleHeartbeat(
    group: ClassicGroup,
    member: GroupMember,
    timeoutMs = member.sessionTimeoutMs,
  ): void {
    const memberId = member.memberId;
    this.host.timers.schedule(heartbeatKey(group, memberId), timeoutMs, () =>
      this.expireHeartbeat(group, memberId),
    );
  }

  private expireHeartbeat(group: ClassicGroup, memberId: string): void {
    if (!this.isLive(group)) return;
    if (group.pendingMembers.has(memberId)) {
      group.remove(memberId);
      if (group.is('PreparingRebalance') && group.hasAllMembersJoined()) this.completeJoin(group);
      return;
    }
    const member = group.members.get(memberId);
    if (!member || member.hasSatisfiedHeartbeat()) return;
    this.host.log.info(`group ${group.groupId}: member ${memberId} session expired; removing it`);
    this.removeMemberAndUpdateGroup(group, member);
  }

  removeMemberAndUpdateGroup(group: ClassicGroup, member: GroupMember): void {
    group.remove(member.memberId);
    if (group.is('Stable') || group.is('CompletingRebalance'))
      this.maybePrepareRebalanceOrCompleteJoin(group);
    else if (group.is('PreparingRebalance') && group.hasAllMembersJoined())
      this.completeJoin(group);
  }

  removeMember(group: ClassicGroup, memberId: string): void {
    const member = group.members.get(memberId);
    this.host.timers.cancel(heartbeatKey(group, memberId));
    if (member) this.removeMemberAndUpdateGroup(group, member);
  }

  /** Members of a group restored from disk must heartbeat within their session timeout. */
  resumeMembers(group: ClassicGroup): void {
    for (const m of group.members.values()) this.rescheduleHeartbeat(group, m);
  }

  /** A MEMBER_ID_REQUIRED id is forgotten unless its owner joins within its session timeout. */
  schedulePendingMemberExpiry(group: ClassicGroup, memberId: string, timeoutMs: number): void {
    this.host.timers.schedule(heartbeatKey(group, memberId), timeoutMs, () =>
      this.expireHeartbeat(group, memberId),
    );
  }

  cancelHeartbeat(group: ClassicGroup, memberId: string): void {
    this.host.timers.cancel(heartbeatKey(group, memberId));
  }
}
