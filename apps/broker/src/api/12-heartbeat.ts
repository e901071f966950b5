/**
 * Heartbeat (key 12), versions 0-4.
 * Resets the member's session timer. Answers REBALANCE_IN_PROGRESS while the group prepares a
 * rebalance (the member must rejoin), ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID /
 * FENCED_INSTANCE_ID for stale members, INVALID_GROUP_ID for an empty group id.
 * Version notes: v3+ carries group_instance_id (static membership); v4 is flexible.
 */
import {
  ApiKey,
  makeHeartbeatResponse,
  readHeartbeatRequest,
  writeHeartbeatResponse,
} from '@tributary/kafka-protocol';
import { defineHandler } from './handler.js';

export const heartbeatHandler = defineHandler({
  apiKey: ApiKey.Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  readRequest: readHeartbeatRequest,
  writeResponse: writeHeartbeatResponse,
  handle(req, { broker }) {
    const errorCode = broker.groups.heartbeat({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
    });
    return makeHeartbeatResponse({ errorCode });
  },
});
