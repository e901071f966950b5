/**
 * SyncGroup (key 14), versions 0-5.
 * The leader sends the assignment of every member; followers wait for it. When the leader's
 * request arrives, every parked SyncGroup is answered with its member's assignment (members
 * the leader left out get an empty one) and the group becomes Stable. In a Stable group a
 * SyncGroup is answered at once with the current assignment.
 * Errors: REBALANCE_IN_PROGRESS (a new rebalance started), ILLEGAL_GENERATION,
 * UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, INCONSISTENT_GROUP_PROTOCOL (v5 protocol type or
 * name differ from the group's), INVALID_GROUP_ID, NOT_COORDINATOR while shutting down.
 * Authorization: READ on the group, else GROUP_AUTHORIZATION_FAILED.
 * Version notes: v3+ group_instance_id; v4 flexible; v5 protocol_type/protocol_name in both
 * directions.
 */
import {
  ApiKey,
  ErrorCode,
  makeSyncGroupResponse,
  readSyncGroupRequest,
  writeSyncGroupResponse,
} from '@tributary/kafka-protocol';
import { syncError } from '../groups/classic-group.js';
import { AclOperation, canAccessGroup } from '../security/acl/request-authz.js';
import { defineHandler } from './handler.js';

export const syncGroupHandler = defineHandler({
  apiKey: ApiKey.SyncGroup,
  minVersion: 0,
  maxVersion: 5,
  readRequest: readSyncGroupRequest,
  writeResponse: writeSyncGroupResponse,
  async handle(req, ctx) {
    const { broker, apiVersion } = ctx;
    if (!canAccessGroup(ctx, AclOperation.READ, req.groupId))
      return makeSyncGroupResponse(syncError(ErrorCode.GROUP_AUTHORIZATION_FAILED));
    const result = await broker.groups.sync({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: apiVersion >= 3 ? req.groupInstanceId : null,
      protocolType: apiVersion >= 5 ? req.protocolType : null,
      protocolName: apiVersion >= 5 ? req.protocolName : null,
      assignments: req.assignments.map((a) => ({ memberId: a.memberId, assignment: a.assignment })),
    });
    return makeSyncGroupResponse(result);
  },
});
