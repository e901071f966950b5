/**
 * CreateAcls (key 30), versions 0-3.
 * Adds ACL bindings, durably (meta/acls.json is fsynced before the answer), with a result per
 * creation in request order. ACLs are a set: creating an existing binding succeeds and adds
 * nothing. Needs ALTER on the cluster (CLUSTER_AUTHORIZATION_FAILED for every creation);
 * without an authorizer every creation is SECURITY_DISABLED. A creation with an unknown code,
 * a filter-only value (resource type ANY, pattern ANY/MATCH, operation ANY, permission ANY),
 * an empty resource name, a CLUSTER resource not named kafka-cluster or a principal without a
 * `Type:` prefix is INVALID_REQUEST with Kafka's message; the valid ones are still created.
 * Version notes: v0 has no pattern type (LITERAL); v1 adds PREFIXED; v2+ flexible.
 */
import {
  ApiKey,
  ErrorCode,
  makeCreateAclsResponse,
  makeCreateAclsResponseAclCreationResult,
  readCreateAclsRequest,
  writeCreateAclsResponse,
  type CreateAclsResponseAclCreationResult,
} from '@tributary/kafka-protocol';
import { bindingProblem, type AclBinding } from '../security/acl/acl-model.js';
import {
  AclOperation,
  authorizerEnabled,
  canAccessCluster,
} from '../security/acl/request-authz.js';
import { defineHandler } from './handler.js';

type Result = CreateAclsResponseAclCreationResult;

const result = (errorCode: number, errorMessage: string | null): Result =>
  makeCreateAclsResponseAclCreationResult({ errorCode, errorMessage });

export const createAclsHandler = defineHandler({
  apiKey: ApiKey.CreateAcls,
  minVersion: 0,
  maxVersion: 3,
  readRequest: readCreateAclsRequest,
  writeResponse: writeCreateAclsResponse,
  async handle(req, ctx) {
    const refuse = (code: number, message: string) =>
      makeCreateAclsResponse({
        throttleTimeMs: 0,
        results: req.creations.map(() => result(code, message)),
      });
    if (!canAccessCluster(ctx, AclOperation.ALTER))
      return refuse(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
    if (!authorizerEnabled(ctx))
      return refuse(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.');
    const results: Result[] = [];
    const valid: AclBinding[] = [];
    const validAt: number[] = [];
    for (const c of req.creations) {
      const binding: AclBinding = {
        resourceType: c.resourceType,
        resourceName: c.resourceName,
        patternType: c.resourcePatternType,
        principal: c.principal,
        host: c.host,
        operation: c.operation,
        permissionType: c.permissionType,
      };
      const problem = bindingProblem(binding);
      results.push(
        problem ? result(ErrorCode.INVALID_REQUEST, problem) : result(ErrorCode.NONE, null),
      );
      if (!problem) {
        valid.push(binding);
        validAt.push(results.length - 1);
      }
    }
    if (valid.length > 0) {
      try {
        await ctx.broker.authorizer.store.create(valid);
      } catch (err) {
        ctx.broker.log.error(`CreateAcls: writing the ACLs failed: ${(err as Error).message}`);
        for (const i of validAt)
          results[i] = result(ErrorCode.UNKNOWN_SERVER_ERROR, 'The ACLs could not be stored');
      }
    }
    return makeCreateAclsResponse({ throttleTimeMs: 0, results });
  },
});
