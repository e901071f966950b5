/**
 * One classic consumer group: members, the state machine's state, generation, leader and the
 * protocol votes, as in Kafka's ClassicGroup. It holds no timers and does no I/O; the
 * coordinator drives it. Members awaiting a JoinGroup or SyncGroup response hold the function
 * that answers it.
 */
import { ErrorCode, Reader, readConsumerProtocolSubscription } from '@tributary/kafka-protocol';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

const VALID_PREVIOUS: Readonly<Record<GroupState, readonly GroupState[]>> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export interface Protocol {
  name: string;
  metadata: Buffer;
}

export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  skipAssignment: boolean;
  memberId: string;
  members: Array<{ memberId: string; groupInstanceId: string | null; metadata: Buffer }>;
}

export interface SyncResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export const EMPTY_ASSIGNMENT = Buffer.alloc(0);

export function joinError(memberId: string, errorCode: number): JoinResult {
  return {
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    skipAssignment: false,
    memberId,
    members: [],
  };
}

export function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY_ASSIGNMENT };
}

export class GroupMember {
  assignment: Buffer = EMPTY_ASSIGNMENT;
  /** A new member has not completed a join yet; it expires after the new-member join timeout. */
  isNew = false;
  awaitingJoin: ((r: JoinResult) => void) | null = null;
  awaitingSync: ((r: SyncResult) => void) | null = null;

  constructor(
    readonly memberId: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public protocols: Protocol[],
  ) {}

  metadata(protocol: string): Buffer {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? EMPTY_ASSIGNMENT;
  }

  /** Same protocols with the same metadata, in the same order. */
  matches(protocols: readonly Protocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every(
        (p, i) =>
          p.name === this.protocols[i].name && p.metadata.equals(this.protocols[i].metadata),
      )
    );
  }

  /** The member's most preferred protocol among the candidates. */
  vote(candidates: ReadonlySet<string>): string | undefined {
    return this.protocols.find((p) => candidates.has(p.name))?.name;
  }

  /** Whether a heartbeat expiry may be ignored (members parked in a rebalance are alive by definition). */
  hasSatisfiedHeartbeat(): boolean {
    if (this.isNew) return false;
    return this.awaitingJoin !== null || this.awaitingSync !== null;
  }
}

export class ClassicGroup {
  state: GroupState = 'Empty';
  previousState: GroupState = 'Empty';
  /** When the group entered its current state (offset retention of Empty groups counts from here). */
  stateTimestamp: number;
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  /** Topics the consumer-protocol members subscribe to; undefined when not known. */
  subscribedTopics: ReadonlySet<string> | undefined;
  /** The initial rebalance may be extended while new members keep arriving. */
  newMemberAdded = false;
  readonly members = new Map<string, GroupMember>();
  /** Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet. */
  readonly pendingMembers = new Set<string>();
  readonly pendingSyncMembers = new Set<string>();
  private readonly staticMembers = new Map<string, string>();
  private readonly protocolCounts = new Map<string, number>();
  private awaitingJoinCount = 0;

  constructor(
    readonly groupId: string,
    now: number,
  ) {
    this.stateTimestamp = now;
  }

  is(state: GroupState): boolean {
    return this.state === state;
  }

  transitionTo(state: GroupState, now: number): void {
    if (!VALID_PREVIOUS[state].includes(this.state)) {
      throw new Error(`group ${this.groupId}: illegal transition ${this.state} -> ${state}`);
    }
    this.previousState = this.state;
    this.state = state;
    this.stateTimestamp = now;
  }

  canRebalance(): boolean {
    return (
      this.state === 'Stable' || this.state === 'CompletingRebalance' || this.state === 'Empty'
    );
  }

  get size(): number {
    return this.members.size;
  }

  get numAwaitingJoin(): number {
    return this.awaitingJoinCount;
  }

  /** The longest rebalance timeout among members bounds the join phase. */
  get rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  staticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }

  hasAllMembersJoined(): boolean {
    return this.members.size === this.awaitingJoinCount && this.pendingMembers.size === 0;
  }

  /** The UNKNOWN_MEMBER_ID / FENCED_INSTANCE_ID check Kafka applies to every member request. */
  validateMember(memberId: string, groupInstanceId: string | null): 'ok' | 'unknown' | 'fenced' {
    if (groupInstanceId !== null) {
      const existing = this.staticMembers.get(groupInstanceId);
      if (existing === undefined) return 'unknown';
      if (existing !== memberId) return 'fenced';
    }
    return this.members.has(memberId) ? 'ok' : 'unknown';
  }

  add(member: GroupMember, onJoin: ((r: JoinResult) => void) | null): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.leaderId ??= member.memberId;
    this.members.set(member.memberId, member);
    this.countProtocols(member, 1);
    this.setAwaitingJoin(member, onJoin);
    this.pendingMembers.delete(member.memberId);
    if (member.groupInstanceId !== null)
      this.staticMembers.set(member.groupInstanceId, member.memberId);
  }

  /** Removes a member or pending member; a request it still has parked is answered UNKNOWN_MEMBER_ID. */
  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (member) {
      this.completeJoin(member, joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      this.completeSync(member, syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      this.members.delete(memberId);
      this.countProtocols(member, -1);
      if (
        member.groupInstanceId !== null &&
        this.staticMembers.get(member.groupInstanceId) === memberId
      ) {
        this.staticMembers.delete(member.groupInstanceId);
      }
    }
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
    this.pendingMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
  }

  updateMember(
    member: GroupMember,
    protocols: Protocol[],
    rebalanceTimeoutMs: number,
    sessionTimeoutMs: number,
    onJoin: ((r: JoinResult) => void) | null,
  ): void {
    this.countProtocols(member, -1);
    member.protocols = protocols;
    this.countProtocols(member, 1);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    this.setAwaitingJoin(member, onJoin);
  }

  /** Parks (or clears) a member's JoinGroup; a request it replaces is told to rejoin. */
  private setAwaitingJoin(member: GroupMember, onJoin: ((r: JoinResult) => void) | null): void {
    const previous = member.awaitingJoin;
    if (previous && onJoin) previous(joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
    if (!previous && onJoin) this.awaitingJoinCount++;
    if (previous && !onJoin) this.awaitingJoinCount--;
    member.awaitingJoin = onJoin;
  }

  /** Answers a parked JoinGroup; false when the member had none. */
  completeJoin(member: GroupMember, result: JoinResult): boolean {
    const cb = member.awaitingJoin;
    if (!cb) return false;
    member.awaitingJoin = null;
    this.awaitingJoinCount--;
    cb(result);
    return true;
  }

  setAwaitingSync(member: GroupMember, onSync: (r: SyncResult) => void): void {
    member.awaitingSync?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    member.awaitingSync = onSync;
  }

  completeSync(member: GroupMember, result: SyncResult): boolean {
    const cb = member.awaitingSync;
    if (!cb) return false;
    member.awaitingSync = null;
    cb(result);
    return true;
  }

  /**
   * A static member rejoined with a new member id: the old id is fenced (its parked requests
   * get FENCED_INSTANCE_ID) and the member carries on under the new id with its assignment.
   */
  replaceStaticMember(
    groupInstanceId: string,
    oldMemberId: string,
    newMemberId: string,
  ): GroupMember {
    const old = this.members.get(oldMemberId);
    if (!old) throw new Error(`group ${this.groupId}: no member ${oldMemberId} to replace`);
    this.completeJoin(old, joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID));
    this.completeSync(old, syncError(ErrorCode.FENCED_INSTANCE_ID));
    const replacement = new GroupMember(
      newMemberId,
      old.groupInstanceId,
      old.clientId,
      old.clientHost,
      old.rebalanceTimeoutMs,
      old.sessionTimeoutMs,
      old.protocolType,
      old.protocols,
    );
    replacement.assignment = old.assignment;
    this.members.delete(oldMemberId);
    this.members.set(newMemberId, replacement);
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId;
    this.staticMembers.set(groupInstanceId, newMemberId);
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId);
    return replacement;
  }

  /** Kafka's check for a joining member: same protocol type and at least one protocol all members support. */
  supportsProtocols(protocolType: string, protocols: readonly Protocol[]): boolean {
    if (this.state === 'Empty') return protocolType !== '' && protocols.length > 0;
    return (
      this.protocolType === protocolType &&
      protocols.some((p) => (this.protocolCounts.get(p.name) ?? 0) === this.members.size)
    );
  }

  /** The protocol every member supports that most members prefer (Kafka's vote). */
  selectProtocol(): string {
    const candidates = new Set(
      [...this.protocolCounts].filter(([, n]) => n === this.members.size).map(([name]) => name),
    );
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.vote(candidates);
      if (choice !== undefined) votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best: string | undefined;
    for (const [name, n] of votes) if (best === undefined || n > votes.get(best)!) best = name;
    if (best === undefined)
      throw new Error(`group ${this.groupId}: no protocol supported by every member`);
    return best;
  }

  /** If the leader did not rejoin, another member that did becomes leader; false when none rejoined. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    if (this.members.get(this.leaderId)?.awaitingJoin) return true;
    for (const m of this.members.values()) {
      if (m.awaitingJoin) {
        this.leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  initNextGeneration(now: number): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('CompletingRebalance', now);
    } else {
      this.protocolName = null;
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('Empty', now);
    }
    this.pendingSyncMembers.clear();
  }

  /** Brings back a Stable generation read from disk (members already added). */
  restoreStable(generationId: number, protocolName: string, leaderId: string, now: number): void {
    this.generationId = generationId;
    this.protocolName = protocolName;
    this.leaderId = this.members.has(leaderId)
      ? leaderId
      : (this.members.keys().next().value ?? null);
    this.state = 'Stable';
    this.previousState = 'CompletingRebalance';
    this.stateTimestamp = now;
    this.subscribedTopics = this.computeSubscribedTopics();
  }

  isSubscribedToTopic(topic: string): boolean {
    return this.subscribedTopics?.has(topic) ?? false;
  }

  currentMembers(): JoinResult['members'] {
    const protocol = this.protocolName ?? '';
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadata(protocol),
    }));
  }

  private countProtocols(member: GroupMember, delta: number): void {
    for (const p of member.protocols) {
      const n = (this.protocolCounts.get(p.name) ?? 0) + delta;
      if (n > 0) this.protocolCounts.set(p.name, n);
      else this.protocolCounts.delete(p.name);
    }
  }

  /**
   * Union of the members' subscribed topics, parsing the consumer protocol's version-0 prefix
   * (topics) as Kafka does, so future subscription versions still parse.
   */
  private computeSubscribedTopics(): ReadonlySet<string> | undefined {
    if (this.protocolType !== 'consumer') return undefined;
    if (this.members.size === 0) return new Set();
    if (this.protocolName === null) return undefined;
    const topics = new Set<string>();
    try {
      for (const m of this.members.values()) {
        const r = new Reader(m.metadata(this.protocolName));
        r.int16();
        for (const t of readConsumerProtocolSubscription(r, 0).topics) topics.add(t);
      }
    } catch {
      return undefined;
    }
    return topics;
  }
}
