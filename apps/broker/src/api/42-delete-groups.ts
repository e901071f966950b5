/**
 * DeleteGroups (key 42), versions 0-2.
 * Deletes Empty groups and their committed offsets (durably, before answering).
 * Errors per group: GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP (members are still in it).
 * Authorization: DELETE on each group, else GROUP_AUTHORIZATION_FAILED for it.
 * Version notes: v1 same as v0; v2 flexible.
 */
import {
  ApiKey,
  ErrorCode,
  makeDeleteGroupsResponse,
  makeDeleteGroupsResponseDeletableGroupResult,
  readDeleteGroupsRequest,
  writeDeleteGroupsResponse,
} from '@tributary/kafka-protocol';
import { AclOperation, canAccessGroup } from '../security/acl/request-authz.js';
import { defineHandler } from './handler.js';

export const deleteGroupsHandler = defineHandler({
  apiKey: ApiKey.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  readRequest: readDeleteGroupsRequest,
  writeResponse: writeDeleteGroupsResponse,
  async handle(req, ctx) {
    const allowed = req.groupsNames.map((g) => canAccessGroup(ctx, AclOperation.DELETE, g));
    const errors = await ctx.broker.groups.deleteGroups(
      req.groupsNames.filter((_, i) => allowed[i]),
    );
    let next = 0;
    return makeDeleteGroupsResponse({
      results: req.groupsNames.map((groupId, i) =>
        makeDeleteGroupsResponseDeletableGroupResult({
          groupId,
          errorCode: allowed[i] ? errors[next++] : ErrorCode.GROUP_AUTHORIZATION_FAILED,
        }),
      ),
    });
  },
});
