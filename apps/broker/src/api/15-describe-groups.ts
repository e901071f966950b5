/**
 * DescribeGroups (key 15), versions 0-5.
 * State, protocol type, chosen protocol and members of each group. As Kafka, member metadata
 * and assignments (and the protocol) are only reported for Stable groups. A group that does
 * not exist is reported as Dead with no error (GROUP_ID_NOT_FOUND comes with v6, not served).
 * Authorization: DESCRIBE on each group, else GROUP_AUTHORIZATION_FAILED (empty state).
 * Version notes: v3+ authorized operations on request (the group's allowed operations among
 * READ, DESCRIBE, DELETE); v4+ group_instance_id; v5 flexible.
 */
import {
  ApiKey,
  ErrorCode,
  makeDescribeGroupsResponse,
  makeDescribeGroupsResponseDescribedGroup,
  makeDescribeGroupsResponseDescribedGroupMember,
  readDescribeGroupsRequest,
  writeDescribeGroupsResponse,
} from '@tributary/kafka-protocol';
import {
  AclOperation,
  AclResourceType,
  authorizedOperations,
  canAccessGroup,
} from '../security/acl/request-authz.js';
import { defineHandler } from './handler.js';

const NOT_REQUESTED = -2147483648;

export const describeGroupsHandler = defineHandler({
  apiKey: ApiKey.DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  readRequest: readDescribeGroupsRequest,
  writeResponse: writeDescribeGroupsResponse,
  handle(req, ctx) {
    const { broker, apiVersion } = ctx;
    const withOps = apiVersion >= 3 && req.includeAuthorizedOperations;
    return makeDescribeGroupsResponse({
      groups: req.groups.map((groupId) => {
        if (!canAccessGroup(ctx, AclOperation.DESCRIBE, groupId)) {
          return makeDescribeGroupsResponseDescribedGroup({
            errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
            groupId,
            groupState: '',
            protocolType: '',
            protocolData: '',
          });
        }
        const d = broker.groups.describe(groupId);
        return makeDescribeGroupsResponseDescribedGroup({
          errorCode: d.errorCode,
          groupId: d.groupId,
          groupState: d.state,
          protocolType: d.protocolType,
          protocolData: d.protocolData,
          members: d.members.map((m) =>
            makeDescribeGroupsResponseDescribedGroupMember({
              memberId: m.memberId,
              groupInstanceId: m.groupInstanceId,
              clientId: m.clientId,
              clientHost: m.clientHost,
              memberMetadata: m.metadata,
              memberAssignment: m.assignment,
            }),
          ),
          authorizedOperations: withOps
            ? authorizedOperations(ctx, AclResourceType.GROUP, groupId)
            : NOT_REQUESTED,
        });
      }),
    });
  },
});
