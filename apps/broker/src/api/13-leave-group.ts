/**
 * LeaveGroup (key 13), versions 0-5.
 * Removes members; a Stable or CompletingRebalance group then rebalances without them. A
 * static member may be removed by group_instance_id alone (empty member id, as admin tools
 * do); with both ids, a member id that no longer owns the instance id is FENCED_INSTANCE_ID.
 * A group that does not exist answers UNKNOWN_MEMBER_ID (as Kafka 4).
 * Authorization: READ on the group, else GROUP_AUTHORIZATION_FAILED (no member results).
 * Version notes: v0-2 name one member and report its error at the top level; v3+ batch
 * members with a result each; v4 flexible; v5 per-member reason (ignored).
 */
import {
  ApiKey,
  ErrorCode,
  makeLeaveGroupResponse,
  makeLeaveGroupResponseMemberResponse,
  readLeaveGroupRequest,
  writeLeaveGroupResponse,
} from '@tributary/kafka-protocol';
import { AclOperation, canAccessGroup } from '../security/acl/request-authz.js';
import { defineHandler } from './handler.js';

export const leaveGroupHandler = defineHandler({
  apiKey: ApiKey.LeaveGroup,
  minVersion: 0,
  maxVersion: 5,
  readRequest: readLeaveGroupRequest,
  writeResponse: writeLeaveGroupResponse,
  handle(req, ctx) {
    const { broker, apiVersion } = ctx;
    if (!canAccessGroup(ctx, AclOperation.READ, req.groupId))
      return makeLeaveGroupResponse({ errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED });
    const leaving =
      apiVersion >= 3
        ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId }))
        : [{ memberId: req.memberId, groupInstanceId: null }];
    const result = broker.groups.leave(req.groupId, leaving);
    if (apiVersion < 3) {
      const memberError =
        result.members.find((m) => m.errorCode !== ErrorCode.NONE)?.errorCode ?? ErrorCode.NONE;
      return makeLeaveGroupResponse({
        errorCode: result.errorCode !== ErrorCode.NONE ? result.errorCode : memberError,
      });
    }
    return makeLeaveGroupResponse({
      errorCode: result.errorCode,
      members: result.members.map((m) => makeLeaveGroupResponseMemberResponse(m)),
    });
  },
});
