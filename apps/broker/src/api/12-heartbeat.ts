/**
 * Heartbeat (key 12), versions 0-4.
 * Resets the member's session timer. Answers REBALANCE_IN_PROGRESS while the group prepares a
 * rebalance (the member must rejoin), ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID /
 * FENCED_INSTANCE_ID for stale members, INVALID_GROUP_ID for an empty group id.
 * Authorization: READ on the group, else GROUP_AUTHORIZATION_FAILED.
 * Version notes: v3+ carries group_instance_id (static membership); v4 is flexible.
 */
import {
  ApiKey,
  ErrorCode,
  makeHeartbeatResponse,
  readHeartbeatRequest,
  writeHeartbeatResponse,
} from '@tributary/kafka-protocol';
import { AclOperation, canAccessGroup } from '../security/acl/request-authz.js';
import { defineHandler } from './handler.js';

export const heartbeatHandler = defineHandler({
  apiKey: ApiKey.Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  readRequest: readHeartbeatRequest,
  writeResponse: writeHeartbeatResponse,
  handle(req, ctx) {
    if (!canAccessGroup(ctx, AclOperation.READ, req.groupId))
      return makeHeartbeatResponse({ errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED });
    const errorCode = ctx.broker.groups.heartbeat({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
    });
    return makeHeartbeatResponse({ errorCode });
  },
});
