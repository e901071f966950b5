/**
 * Mapping between a live ClassicGroup and its durable GroupRecord (see README.md,
 * Persistence): a Stable group is stored with its members, their metadata for the chosen
 * protocol and their assignments; any other group with its protocol type, generation and
 * whether (and since when) it is Empty.
 */
import { ClassicGroup, GroupMember } from './classic-group.js';
import type { GroupRecord } from './offset-store.js';

export function toGroupRecord(group: ClassicGroup): GroupRecord {
  const record: GroupRecord = {
    protocolType: group.protocolType,
    generationId: group.generationId,
    empty: group.is('Empty'),
    stateTimestamp: group.stateTimestamp,
  };
  if (group.is('Stable') && group.protocolName !== null) {
    const protocol = group.protocolName;
    record.protocolName = protocol;
    record.leaderId = group.leaderId;
    record.members = [...group.members.values()].map((m) => ({
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
  return record;
}

/**
 * The group as recorded: Empty (retention counting from when it became Empty, or from `now`
 * if it was active), or Stable with its members when `withMembers` and the record has them.
 * A group with offsets but no record (simple consumers) is Empty without protocol type.
 */
export function fromGroupRecord(
  groupId: string,
  record: GroupRecord | undefined,
  now: number,
  withMembers: boolean,
): ClassicGroup {
  const group = new ClassicGroup(groupId, record?.empty ? record.stateTimestamp : now);
  if (!record) return group;
  group.protocolType = record.protocolType;
  group.generationId = record.generationId;
  if (group.protocolType === 'consumer') group.subscribedTopics = new Set();
  const { members, protocolName, protocolType } = record;
  if (!withMembers || !members?.length || !protocolName || protocolType === null) return group;
  for (const m of members) {
    const member = new GroupMember(
      m.memberId,
      m.groupInstanceId,
      m.clientId,
      m.clientHost,
      m.rebalanceTimeoutMs,
      m.sessionTimeoutMs,
      protocolType,
      [{ name: protocolName, metadata: Buffer.from(m.metadata, 'base64') }],
    );
    member.assignment = Buffer.from(m.assignment, 'base64');
    group.add(member, null);
  }
  group.restoreStable(record.generationId, protocolName, record.leaderId ?? '', now);
  return group;
}
