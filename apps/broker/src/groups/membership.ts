/**
 * The classic group membership requests: JoinGroup, SyncGroup, Heartbeat and LeaveGroup,
 * validated and answered as Kafka 4.x's GroupMetadataManager does for classic groups, error
 * for error. State transitions and timers live in rebalance.ts (same concurrency model:
 * everything here runs synchronously, no awaits).
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@tributary/kafka-protocol';
import {
  type ClassicGroup,
  EMPTY_ASSIGNMENT,
  GroupMember,
  joinError,
  syncError,
  type JoinResult,
  type Protocol,
  type SyncResult,
} from './classic-group.js';
import { Rebalancer, type GroupHost } from './rebalance.js';

export interface JoinRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  clientId: string;
  clientHost: string;
  /** JoinGroup v4+: a member without id is sent away with MEMBER_ID_REQUIRED and a fresh id. */
  requireKnownMemberId: boolean;
  /** JoinGroup v9+: a rejoining static leader is told to skip assignment. */
  supportSkippingAssignment: boolean;
}

export interface SyncRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: Array<{ memberId: string; assignment: Buffer }>;
}

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeavingMember {
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeaveResult {
  errorCode: number;
  members: Array<{ memberId: string; groupInstanceId: string | null; errorCode: number }>;
}

export class Membership {
  private readonly engine: Rebalancer;

  constructor(private readonly host: GroupHost) {
    this.engine = new Rebalancer(host);
  }

  private get now(): number {
    return this.host.scheduler.now();
  }

  // ---- JoinGroup -------------------------------------------------------------------------

  /**
   * `abandoned` fires when the client's connection closes. A new member parked in JoinGroup
   * is then removed at once: otherwise it would be handed partitions it never syncs, holding
   * them until the pending-sync timeout (Kafka cannot see the disconnect and relies on its
   * new-member join timeout; that timeout still applies to everything else).
   */
  join(req: JoinRequest, abandoned?: AbortSignal): Promise<JoinResult> {
    return new Promise((resolve) => {
      const onAbort = (): void => this.abandonJoin(req.groupId, respond);
      const respond = (r: JoinResult): void => {
        abandoned?.removeEventListener('abort', onAbort);
        resolve(r);
      };
      if (abandoned && !abandoned.aborted)
        abandoned.addEventListener('abort', onAbort, { once: true });
      this.handleJoin(req, respond);
    });
  }

  private abandonJoin(groupId: string, respond: (r: JoinResult) => void): void {
    const group = this.host.liveGroup(groupId);
    if (!group) return;
    for (const member of group.members.values()) {
      if (member.awaitingJoin === respond && member.isNew) {
        this.host.log.debug(
          `group ${groupId}: new member ${member.memberId} disconnected while joining`,
        );
        this.engine.removeMember(group, member.memberId);
        return;
      }
    }
  }

  private handleJoin(req: JoinRequest, respond: (r: JoinResult) => void): void {
    const { config } = this.host;
    if (!this.host.isActive()) return respond(joinError(req.memberId, ErrorCode.NOT_COORDINATOR));
    if (req.groupId === '') return respond(joinError(req.memberId, ErrorCode.INVALID_GROUP_ID));
    if (
      req.sessionTimeoutMs < config.minSessionTimeoutMs ||
      req.sessionTimeoutMs > config.maxSessionTimeoutMs
    ) {
      return respond(joinError(req.memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
    }
    const isUnknownMember = req.memberId === '';
    let group = this.host.liveGroup(req.groupId);
    if (!group) {
      if (!isUnknownMember) return respond(joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      group = this.host.createGroup(req.groupId);
    }
    if (!this.acceptJoiningMember(group, req.memberId)) {
      if (group.has(req.memberId)) this.engine.removeMember(group, req.memberId);
      return respond(joinError('', ErrorCode.GROUP_MAX_SIZE_REACHED));
    }
    if (isUnknownMember) this.joinNewMember(group, req, respond);
    else this.joinExistingMember(group, req, respond);
  }

  private acceptJoiningMember(group: ClassicGroup, memberId: string): boolean {
    const max = this.host.config.maxSize;
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return true;
      case 'PreparingRebalance':
        // Counting parked members (not members) lets a shrunk group.max.size shed the last rejoiners.
        return group.members.get(memberId)?.awaitingJoin != null || group.numAwaitingJoin < max;
      default:
        return group.has(memberId) || group.size < max;
    }
  }

  private joinNewMember(
    group: ClassicGroup,
    req: JoinRequest,
    respond: (r: JoinResult) => void,
  ): void {
    if (group.is('Dead')) return respond(joinError('', ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(req.protocolType, req.protocols)) {
      return respond(joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const newMemberId = `${req.groupInstanceId ?? req.clientId}-${randomUUID()}`;
    if (req.groupInstanceId !== null) {
      const existing = group.staticMemberId(req.groupInstanceId);
      if (existing !== undefined)
        return this.replaceStaticMember(group, req, existing, newMemberId, respond);
      return this.addMemberAndRebalance(group, req, newMemberId, respond);
    }
    if (req.requireKnownMemberId) {
      group.pendingMembers.add(newMemberId);
      this.engine.schedulePendingMemberExpiry(group, newMemberId, req.sessionTimeoutMs);
      return respond(joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED));
    }
    this.addMemberAndRebalance(group, req, newMemberId, respond);
  }

  private joinExistingMember(
    group: ClassicGroup,
    req: JoinRequest,
    respond: (r: JoinResult) => void,
  ): void {
    const { memberId } = req;
    if (group.is('Dead')) return respond(joinError(memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(req.protocolType, req.protocols)) {
      return respond(joinError(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    if (group.pendingMembers.has(memberId)) {
      // Pending ids are only handed to dynamic members; a static join with one is not ours.
      if (req.groupInstanceId !== null)
        return respond(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      return this.addMemberAndRebalance(group, req, memberId, respond);
    }
    const check = group.validateMember(memberId, req.groupInstanceId);
    if (check !== 'ok') {
      return respond(
        joinError(
          memberId,
          check === 'fenced' ? ErrorCode.FENCED_INSTANCE_ID : ErrorCode.UNKNOWN_MEMBER_ID,
        ),
      );
    }
    const member = group.members.get(memberId)!;
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, req, respond);
      case 'CompletingRebalance':
        // Same metadata: probably a retry of a lost response; answer with the current generation.
        if (member.matches(req.protocols)) {
          return respond(this.engine.generationResult(group, memberId, group.isLeader(memberId)));
        }
        return this.updateMemberAndRebalance(group, member, req, respond);
      case 'Stable':
        // The leader rejoining forces a rebalance (it may have seen metadata changes).
        if (group.isLeader(memberId) || !member.matches(req.protocols)) {
          return this.updateMemberAndRebalance(group, member, req, respond);
        }
        return respond(this.engine.generationResult(group, memberId, false));
      default:
        return respond(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  private addMemberAndRebalance(
    group: ClassicGroup,
    req: JoinRequest,
    memberId: string,
    respond: (r: JoinResult) => void,
  ): void {
    const member = new GroupMember(
      memberId,
      req.groupInstanceId,
      req.clientId,
      req.clientHost,
      req.rebalanceTimeoutMs,
      req.sessionTimeoutMs,
      req.protocolType,
      req.protocols,
    );
    member.isNew = true;
    if (group.is('PreparingRebalance') && group.previousState === 'Empty')
      group.newMemberAdded = true;
    group.add(member, respond);
    // A parked new member cannot heartbeat and its disconnect is not seen; bound its wait.
    this.engine.rescheduleHeartbeat(group, member, this.host.config.newMemberJoinTimeoutMs);
    this.engine.maybePrepareRebalanceOrCompleteJoin(group);
  }

  private updateMemberAndRebalance(
    group: ClassicGroup,
    member: GroupMember,
    req: JoinRequest,
    respond: (r: JoinResult) => void,
  ): void {
    group.updateMember(
      member,
      req.protocols,
      req.rebalanceTimeoutMs,
      req.sessionTimeoutMs,
      respond,
    );
    this.engine.maybePrepareRebalanceOrCompleteJoin(group);
  }

  /**
   * A static member came back without its member id (a restart): it takes over the old id's
   * place and assignment. In a Stable group whose protocol choice does not change, no
   * rebalance happens; the old id is fenced.
   */
  private replaceStaticMember(
    group: ClassicGroup,
    req: JoinRequest,
    oldMemberId: string,
    newMemberId: string,
    respond: (r: JoinResult) => void,
  ): void {
    const currentLeader = group.leaderId;
    const member = group.replaceStaticMember(req.groupInstanceId!, oldMemberId, newMemberId);
    this.engine.cancelHeartbeat(group, oldMemberId);
    this.engine.rescheduleHeartbeat(group, member);
    group.updateMember(
      member,
      req.protocols,
      req.rebalanceTimeoutMs,
      req.sessionTimeoutMs,
      respond,
    );
    switch (group.state) {
      case 'Stable': {
        if (group.protocolName !== group.selectProtocol())
          return this.engine.maybePrepareRebalanceOrCompleteJoin(group);
        this.host.persistGroup(group); // the new member id replaces the old one on disk too
        const isLeader = group.isLeader(newMemberId);
        if (req.supportSkippingAssignment) {
          // The leader learns the members (to know the subscription) but keeps the current assignment.
          group.completeJoin(member, {
            ...this.engine.generationResult(group, newMemberId, isLeader),
            skipAssignment: isLeader,
          });
        } else {
          // The old leader id keeps a rejoined leader from assigning in a group that will not rebalance.
          group.completeJoin(
            member,
            this.engine.generationResult(group, newMemberId, false, currentLeader),
          );
        }
        return;
      }
      case 'CompletingRebalance':
        // The leader may be assigning to the old id: rebalance so the new id gets an assignment.
        return this.engine.prepareRebalance(group);
      case 'PreparingRebalance':
        return this.engine.maybeCompleteJoinPhase(group);
      default:
        group.completeJoin(member, joinError(newMemberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  // ---- SyncGroup, Heartbeat, LeaveGroup --------------------------------------------------

  sync(req: SyncRequest): Promise<SyncResult> {
    return new Promise((resolve) => this.handleSync(req, resolve));
  }

  private handleSync(req: SyncRequest, respond: (r: SyncResult) => void): void {
    if (!this.host.isActive()) return respond(syncError(ErrorCode.NOT_COORDINATOR));
    if (req.groupId === '') return respond(syncError(ErrorCode.INVALID_GROUP_ID));
    const group = this.host.liveGroup(req.groupId);
    if (!group || group.is('Empty')) return respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (group.is('Dead')) return respond(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    const check = group.validateMember(req.memberId, req.groupInstanceId);
    if (check !== 'ok') {
      return respond(
        syncError(check === 'fenced' ? ErrorCode.FENCED_INSTANCE_ID : ErrorCode.UNKNOWN_MEMBER_ID),
      );
    }
    if (req.generationId !== group.generationId)
      return respond(syncError(ErrorCode.ILLEGAL_GENERATION));
    if (
      (req.protocolType !== null && req.protocolType !== group.protocolType) ||
      (req.protocolName !== null && req.protocolName !== group.protocolName)
    ) {
      return respond(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const member = group.members.get(req.memberId)!;
    switch (group.state) {
      case 'PreparingRebalance':
        return respond(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'CompletingRebalance': {
        group.setAwaitingSync(member, respond);
        this.engine.removePendingSyncMember(group, req.memberId);
        if (!group.isLeader(req.memberId)) return;
        // Members the leader left out get an empty assignment; unknown ids are ignored.
        const assignments = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
        for (const m of group.members.values())
          m.assignment = assignments.get(m.memberId) ?? EMPTY_ASSIGNMENT;
        this.engine.propagateAssignment(group, ErrorCode.NONE);
        group.transitionTo('Stable', this.now);
        this.host.persistGroup(group);
        return;
      }
      case 'Stable':
        this.engine.removePendingSyncMember(group, req.memberId);
        return respond({
          errorCode: ErrorCode.NONE,
          protocolType: group.protocolType,
          protocolName: group.protocolName,
          assignment: member.assignment,
        });
      default:
        return respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  heartbeat(req: HeartbeatRequest): number {
    if (!this.host.isActive()) return ErrorCode.NOT_COORDINATOR;
    if (req.groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const group = this.host.liveGroup(req.groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const check = group.validateMember(req.memberId, req.groupInstanceId);
    if (check !== 'ok')
      return check === 'fenced' ? ErrorCode.FENCED_INSTANCE_ID : ErrorCode.UNKNOWN_MEMBER_ID;
    if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    const member = group.members.get(req.memberId)!;
    switch (group.state) {
      case 'PreparingRebalance':
        this.engine.rescheduleHeartbeat(group, member);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      case 'CompletingRebalance':
      case 'Stable':
        this.engine.rescheduleHeartbeat(group, member);
        return ErrorCode.NONE;
      default:
        return ErrorCode.UNKNOWN_MEMBER_ID;
    }
  }

  /** Restored members get a session timer; those that do not come back expire. */
  resume(group: ClassicGroup): void {
    this.engine.resumeMembers(group);
  }

  /** Resets a member's session timer (an OffsetCommit from a member counts as a sign of life). */
  touch(group: ClassicGroup, memberId: string): void {
    const member = group.members.get(memberId);
    if (member) this.engine.rescheduleHeartbeat(group, member);
  }

  leave(groupId: string, leaving: LeavingMember[]): LeaveResult {
    if (!this.host.isActive()) return { errorCode: ErrorCode.NOT_COORDINATOR, members: [] };
    if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    const group = this.host.liveGroup(groupId);
    if (!group) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, members: [] };
    if (group.is('Dead')) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    const members = leaving.map(({ memberId, groupInstanceId }) => {
      const answer = (errorCode: number): LeaveResult['members'][number] => ({
        memberId,
        groupInstanceId,
        errorCode,
      });
      if (memberId === '') {
        // Administrative removal by group.instance.id alone.
        const current =
          groupInstanceId === null ? undefined : group.staticMemberId(groupInstanceId);
        if (current === undefined) return answer(ErrorCode.UNKNOWN_MEMBER_ID);
        this.engine.removeMember(group, current);
        return answer(ErrorCode.NONE);
      }
      if (group.pendingMembers.has(memberId)) {
        group.remove(memberId);
        this.engine.cancelHeartbeat(group, memberId);
        this.engine.maybeCompleteJoinPhase(group);
        return answer(ErrorCode.NONE);
      }
      const check = group.validateMember(memberId, groupInstanceId);
      if (check !== 'ok')
        return answer(
          check === 'fenced' ? ErrorCode.FENCED_INSTANCE_ID : ErrorCode.UNKNOWN_MEMBER_ID,
        );
      this.host.log.debug(`group ${groupId}: member ${memberId} left`);
      this.engine.removeMember(group, memberId);
      return answer(ErrorCode.NONE);
    });
    return { errorCode: ErrorCode.NONE, members };
  }

  /** Answers every parked request with NOT_COORDINATOR (broker shutting down). */
  abandonAll(groups: Iterable<ClassicGroup>): void {
    for (const g of groups) {
      for (const m of g.members.values()) {
        g.completeJoin(m, joinError(m.memberId, ErrorCode.NOT_COORDINATOR));
        g.completeSync(m, syncError(ErrorCode.NOT_COORDINATOR));
      }
    }
  }
}
