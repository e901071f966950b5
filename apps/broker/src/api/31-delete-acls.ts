/**
 * DeleteAcls (key 31), versions 0-3.
 * Removes every ACL any filter selects (same matching as DescribeAcls), durably, and answers
 * per filter with the ACLs it matched (an ACL matched by two filters is listed under both, as
 * Kafka does). Needs ALTER on the cluster (CLUSTER_AUTHORIZATION_FAILED for every filter);
 * without an authorizer every filter is SECURITY_DISABLED; a filter with an unknown code is
 * INVALID_REQUEST and deletes nothing.
 * Version notes: v0 has no pattern type (LITERAL); v1 adds it; v2+ flexible.
 */
import {
  ApiKey,
  ErrorCode,
  makeDeleteAclsResponse,
  makeDeleteAclsResponseDeleteAclsFilterResult,
  makeDeleteAclsResponseDeleteAclsMatchingAcl,
  readDeleteAclsRequest,
  writeDeleteAclsResponse,
  type DeleteAclsResponseDeleteAclsFilterResult,
} from '@tributary/kafka-protocol';
import { filterProblem, type AclBinding, type AclFilter } from '../security/acl/acl-model.js';
import {
  AclOperation,
  authorizerEnabled,
  canAccessCluster,
} from '../security/acl/request-authz.js';
import { defineHandler } from './handler.js';

type FilterResult = DeleteAclsResponseDeleteAclsFilterResult;

const failed = (errorCode: number, errorMessage: string): FilterResult =>
  makeDeleteAclsResponseDeleteAclsFilterResult({ errorCode, errorMessage, matchingAcls: [] });

function matched(acls: readonly AclBinding[]): FilterResult {
  return makeDeleteAclsResponseDeleteAclsFilterResult({
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    matchingAcls: acls.map((b) =>
      makeDeleteAclsResponseDeleteAclsMatchingAcl({
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        resourceType: b.resourceType,
        resourceName: b.resourceName,
        patternType: b.patternType,
        principal: b.principal,
        host: b.host,
        operation: b.operation,
        permissionType: b.permissionType,
      }),
    ),
  });
}

export const deleteAclsHandler = defineHandler({
  apiKey: ApiKey.DeleteAcls,
  minVersion: 0,
  maxVersion: 3,
  readRequest: readDeleteAclsRequest,
  writeResponse: writeDeleteAclsResponse,
  async handle(req, ctx) {
    const refuse = (code: number, message: string) =>
      makeDeleteAclsResponse({
        throttleTimeMs: 0,
        filterResults: req.filters.map(() => failed(code, message)),
      });
    if (!canAccessCluster(ctx, AclOperation.ALTER))
      return refuse(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
    if (!authorizerEnabled(ctx))
      return refuse(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.');
    const filters: AclFilter[] = req.filters.map((f) => ({
      resourceType: f.resourceTypeFilter,
      resourceName: f.resourceNameFilter,
      patternType: f.patternTypeFilter,
      principal: f.principalFilter,
      host: f.hostFilter,
      operation: f.operation,
      permissionType: f.permissionType,
    }));
    const problems = filters.map(filterProblem);
    const valid = filters.filter((_, i) => problems[i] === null);
    let deleted: AclBinding[][];
    try {
      deleted = await ctx.broker.authorizer.store.delete(valid);
    } catch (err) {
      ctx.broker.log.error(`DeleteAcls: writing the ACLs failed: ${(err as Error).message}`);
      return refuse(ErrorCode.UNKNOWN_SERVER_ERROR, 'The ACLs could not be stored');
    }
    let next = 0;
    return makeDeleteAclsResponse({
      throttleTimeMs: 0,
      filterResults: problems.map((problem) =>
        problem ? failed(ErrorCode.INVALID_REQUEST, problem) : matched(deleted[next++]),
      ),
    });
  },
});
