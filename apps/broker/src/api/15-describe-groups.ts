/**
 * DescribeGroups (key 15), versions 0-5.
 * State, protocol type, chosen protocol and members of each group. As Kafka, member metadata
 * and assignments (and the protocol) are only reported for Stable groups. A group that does
 * not exist is reported as Dead with no error (GROUP_ID_NOT_FOUND comes with v6, not served).
 * Version notes: v3+ authorized operations on request (every group operation is allowed
 * until ACLs exist); v4+ group_instance_id; v5 flexible.
 */
import {
  ApiKey,
  makeDescribeGroupsResponse,
  makeDescribeGroupsResponseDescribedGroup,
  makeDescribeGroupsResponseDescribedGroupMember,
  readDescribeGroupsRequest,
  writeDescribeGroupsResponse,
} from '@tributary/kafka-protocol';
import { defineHandler } from './handler.js';

/** Kafka's AclOperation codes valid for groups: READ 3, DELETE 6, DESCRIBE 8. */
const ALL_GROUP_OPERATIONS = [3, 6, 8].reduce((m, op) => m | (1 << op), 0);
const NOT_REQUESTED = -2147483648;

export const describeGroupsHandler = defineHandler({
  apiKey: ApiKey.DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  readRequest: readDescribeGroupsRequest,
  writeResponse: writeDescribeGroupsResponse,
  handle(req, { broker, apiVersion }) {
    const withOps = apiVersion >= 3 && req.includeAuthorizedOperations;
    return makeDescribeGroupsResponse({
      groups: req.groups.map((groupId) => {
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
          authorizedOperations: withOps ? ALL_GROUP_OPERATIONS : NOT_REQUESTED,
        });
      }),
    });
  },
});
