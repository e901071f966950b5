/**
 * ListGroups (key 16), versions 0-5.
 * Every group this broker coordinates (all of them), with its protocol type ("" for groups
 * that only store offsets).
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
import { defineHandler } from './handler.js';

export const listGroupsHandler = defineHandler({
  apiKey: ApiKey.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  readRequest: readListGroupsRequest,
  writeResponse: writeListGroupsResponse,
  handle(req, { broker, apiVersion }) {
    const groups = broker.groups.list(
      apiVersion >= 4 ? req.statesFilter : [],
      apiVersion >= 5 ? req.typesFilter : [],
    );
    if (groups === null) return makeListGroupsResponse({ errorCode: ErrorCode.NOT_COORDINATOR });
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
