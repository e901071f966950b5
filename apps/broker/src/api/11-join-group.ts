/**
 * JoinGroup (key 11), versions 0-9.
 * Classic group membership (see groups/membership.ts): the request is parked until the join
 * phase completes (every known member rejoined, or the longest rebalance timeout passed; for a
 * new group after group.initial.rebalance.delay.ms), then every member learns the generation,
 * the chosen protocol and the leader, and the leader also gets every member's metadata.
 * Errors: INVALID_GROUP_ID, INVALID_SESSION_TIMEOUT (outside group.min/max.session.timeout.ms),
 * UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, INCONSISTENT_GROUP_PROTOCOL, GROUP_MAX_SIZE_REACHED,
 * REBALANCE_IN_PROGRESS (a newer JoinGroup of the same member replaced this one),
 * NOT_COORDINATOR while the broker shuts down.
 * Version notes: v0 has no rebalance timeout (the session timeout is used, as Kafka does);
 * v4+ a member without id gets MEMBER_ID_REQUIRED and a generated id to rejoin with; v5+
 * static membership (group_instance_id); v7+ protocol_type in the response and a null
 * protocol name on errors; v8 reason (logged by Kafka, ignored here); v9 skip_assignment for
 * a static leader that rejoins a stable group.
 * A new member whose connection closes while its JoinGroup is parked is dropped at once.
 * Authorization: READ on the group, else GROUP_AUTHORIZATION_FAILED (no member id).
 */
import {
  ApiKey,
  ErrorCode,
  makeJoinGroupResponse,
  makeJoinGroupResponseMember,
  readJoinGroupRequest,
  writeJoinGroupResponse,
} from '@tributary/kafka-protocol';
import { joinError } from '../groups/classic-group.js';
import { AclOperation, canAccessGroup } from '../security/acl/request-authz.js';
import { defineHandler } from './handler.js';

export const joinGroupHandler = defineHandler({
  apiKey: ApiKey.JoinGroup,
  minVersion: 0,
  maxVersion: 9,
  readRequest: readJoinGroupRequest,
  writeResponse: writeJoinGroupResponse,
  async handle(req, ctx) {
    const { broker, apiVersion, clientId, connection, signal } = ctx;
    const result = !canAccessGroup(ctx, AclOperation.READ, req.groupId)
      ? joinError('', ErrorCode.GROUP_AUTHORIZATION_FAILED)
      : await broker.groups.join(
          {
            groupId: req.groupId,
            memberId: req.memberId,
            groupInstanceId: apiVersion >= 5 ? req.groupInstanceId : null,
            sessionTimeoutMs: req.sessionTimeoutMs,
            rebalanceTimeoutMs: apiVersion >= 1 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
            protocolType: req.protocolType,
            protocols: req.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
            clientId: clientId ?? '',
            clientHost: `/${connection.remoteAddress}`,
            requireKnownMemberId: apiVersion >= 4,
            supportSkippingAssignment: apiVersion >= 9,
          },
          signal,
        );
    return makeJoinGroupResponse({
      errorCode: result.errorCode,
      generationId: result.generationId,
      protocolType: result.protocolType,
      protocolName: result.protocolName,
      leader: result.leader,
      skipAssignment: result.skipAssignment,
      memberId: result.memberId,
      members: result.members.map((m) => makeJoinGroupResponseMember(m)),
    });
  },
});
