/**
 * DeleteGroups (key 42), versions 0-2.
 * Deletes Empty groups and their committed offsets (durably, before answering).
 * Errors per group: GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP (members are still in it).
 * Version notes: v1 same as v0; v2 flexible.
 */
import {
  ApiKey,
  makeDeleteGroupsResponse,
  makeDeleteGroupsResponseDeletableGroupResult,
  readDeleteGroupsRequest,
  writeDeleteGroupsResponse,
} from '@tributary/kafka-protocol';
import { defineHandler } from './handler.js';

export const deleteGroupsHandler = defineHandler({
  apiKey: ApiKey.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  readRequest: readDeleteGroupsRequest,
  writeResponse: writeDeleteGroupsResponse,
  async handle(req, { broker }) {
    const errors = await broker.groups.deleteGroups(req.groupsNames);
    return makeDeleteGroupsResponse({
      results: req.groupsNames.map((groupId, i) =>
        makeDeleteGroupsResponseDeletableGroupResult({ groupId, errorCode: errors[i] }),
      ),
    });
  },
});
