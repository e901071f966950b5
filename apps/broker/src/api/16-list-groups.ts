/**
 * ListGroups (key 16), versions 0-5.
 * Every group this broker coordinates (all of them), with its protocol type ("" for groups
 * that only store offsets).
 * Authorization (as Kafka): with DESCRIBE on the cluster every group, else only the groups
 * the principal may DESCRIBE (no error either way).
 * Version notes: v3 flexible; v4+ group state and a states filter; v5+ group type ("classic"
 * for every group here) and a types filter. Filters match case-insensitively (as Kafka 4).
 */
import {
  ApiKey,
  ErrorCode,
  makeListGroupsResponse,
  makeListGroupsResponseListedGroup,
  readListGroupsRequest,
  writeListGroupsResponse,
} from '@tributary/kafka-protocol';
import { AclOperation, canAccessCluster, canAccessGroup } from '../security/acl/request-authz.js';
import { defineHandler } from './handler.js';

export const listGroupsHandler = defineHandler({
  apiKey: ApiKey.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  readRequest: readListGroupsRequest,
  writeResponse: writeListGroupsResponse,
  handle(req, ctx) {
    const { broker, apiVersion } = ctx;
    const listed = broker.groups.list(
      apiVersion >= 4 ? req.statesFilter : [],
      apiVersion >= 5 ? req.typesFilter : [],
    );
    if (listed === null) return makeListGroupsResponse({ errorCode: ErrorCode.NOT_COORDINATOR });
    const groups = canAccessCluster(ctx, AclOperation.DESCRIBE)
      ? listed
      : listed.filter((g) => canAccessGroup(ctx, AclOperation.DESCRIBE, g.groupId));
    return makeListGroupsResponse({
      errorCode: ErrorCode.NONE,
      groups: groups.map((g) =>
        makeListGroupsResponseListedGroup({
          groupId: g.groupId,
          protocolType: g.protocolType,
          groupState: g.state,
          groupType: g.type,
        }),
      ),
    });
  },
});
