/**
 * DescribeAcls (key 29), versions 0-3.
 * Lists the ACLs one filter selects (security/acl/acl-model.ts filterMatches: resource type,
 * name and pattern type — MATCH selects every pattern covering the name — then exact
 * principal, host, operation and permission; ANY/null match all), grouped by resource pattern.
 * Needs DESCRIBE on the cluster (CLUSTER_AUTHORIZATION_FAILED); without an authorizer
 * (authorizer.enabled=false) the answer is SECURITY_DISABLED, as Kafka's; a filter with an
 * unknown code is INVALID_REQUEST.
 * Version notes: v0 has no pattern type (LITERAL); v1 adds it; v2+ flexible; v3 same as v2.
 */
import {
  ApiKey,
  ErrorCode,
  makeDescribeAclsResponse,
  makeDescribeAclsResponseAclDescription,
  makeDescribeAclsResponseDescribeAclsResource,
  readDescribeAclsRequest,
  writeDescribeAclsResponse,
  type DescribeAclsResponseDescribeAclsResource,
} from '@tributary/kafka-protocol';
import { filterMatches, filterProblem, type AclFilter } from '../security/acl/acl-model.js';
import {
  AclOperation,
  authorizerEnabled,
  canAccessCluster,
} from '../security/acl/request-authz.js';
import { defineHandler } from './handler.js';

function failed(errorCode: number, errorMessage: string) {
  return makeDescribeAclsResponse({ throttleTimeMs: 0, errorCode, errorMessage, resources: [] });
}

export const describeAclsHandler = defineHandler({
  apiKey: ApiKey.DescribeAcls,
  minVersion: 0,
  maxVersion: 3,
  readRequest: readDescribeAclsRequest,
  writeResponse: writeDescribeAclsResponse,
  handle(req, ctx) {
    if (!canAccessCluster(ctx, AclOperation.DESCRIBE))
      return failed(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
    if (!authorizerEnabled(ctx))
      return failed(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured on the broker');
    const filter: AclFilter = {
      resourceType: req.resourceTypeFilter,
      resourceName: req.resourceNameFilter,
      patternType: req.patternTypeFilter,
      principal: req.principalFilter,
      host: req.hostFilter,
      operation: req.operation,
      permissionType: req.permissionType,
    };
    const problem = filterProblem(filter);
    if (problem) return failed(ErrorCode.INVALID_REQUEST, problem);
    const resources = new Map<string, DescribeAclsResponseDescribeAclsResource>();
    for (const b of ctx.broker.authorizer.store.list()) {
      if (!filterMatches(filter, b)) continue;
      const key = `${b.resourceType}\u0000${b.patternType}\u0000${b.resourceName}`;
      let resource = resources.get(key);
      if (!resource) {
        resource = makeDescribeAclsResponseDescribeAclsResource({
          resourceType: b.resourceType,
          resourceName: b.resourceName,
          patternType: b.patternType,
          acls: [],
        });
        resources.set(key, resource);
      }
      resource.acls.push(
        makeDescribeAclsResponseAclDescription({
          principal: b.principal,
          host: b.host,
          operation: b.operation,
          permissionType: b.permissionType,
        }),
      );
    }
    return makeDescribeAclsResponse({
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      resources: [...resources.values()],
    });
  },
});
