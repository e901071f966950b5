/**
 * Create a Kafka ACL binding (resource type + name + pattern, principal, host, operation,
 * ALLOW/DENY). Principals are `User:<service account id>`, `User:<user id>` or `User:*`.
 */
import { z } from 'zod';
import { aclBindingSchema } from '@tributary/contracts';
import type { ClusterId, OrgId } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { validated } from '../../../../platform/command.js';
import type { AclBinding } from '../../acls.repository.js';

const shape = aclBindingSchema.shape;
export const createAclBody = z.strictObject({
  resource_type: shape.resourceType,
  resource_name: z.string().min(1).max(255),
  pattern_type: shape.patternType,
  principal: z.string().regex(/^User:[\x21-\x7e]{1,128}$/, 'must be User:<id>'),
  host: z.string().min(1).max(255).default('*'),
  operation: shape.operation,
  permission: shape.permissionType,
});
export type CreateAclBody = z.output<typeof createAclBody>;

export class CreateAclCommand {
  private constructor(
    readonly orgId: OrgId,
    readonly actor: Actor,
    readonly clusterId: ClusterId,
    readonly body: CreateAclBody,
  ) {}

  get binding(): AclBinding {
    const b = this.body;
    return {
      resourceType: b.resource_type,
      resourceName: b.resource_name,
      patternType: b.pattern_type,
      principal: b.principal,
      host: b.host,
      operation: b.operation,
      permissionType: b.permission,
    };
  }

  /** The principal's id (`*` for everyone). */
  get subject(): string {
    return this.body.principal.slice('User:'.length);
  }

  static create(orgId: OrgId, actor: Actor, clusterId: ClusterId, input: unknown) {
    return new CreateAclCommand(orgId, actor, clusterId, validated(createAclBody, input));
  }
}
