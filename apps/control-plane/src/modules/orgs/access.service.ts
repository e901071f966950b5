/**
 * Tenancy and roles in one place. A resource id is first resolved to its organization by
 * the owning context's `ownerOf` lookup (registered at start-up, so this context imports
 * none of them; the only lookups not scoped by org id), then the caller's membership there
 * is checked: a caller outside the organization gets 404 (it cannot learn the resource
 * exists), a member without the permission gets 403. The `OrgId` returned is the only way
 * use cases get one.
 */
import { Inject, Injectable } from '@nestjs/common';
import { asOrgId, type OrgId, type Role } from '@tributary/db';
import type { Actor } from '../../platform/actor.js';
import { problems } from '../../platform/problem.js';
import { OrgsRepository } from './orgs.repository.js';
import { ROLE_PERMISSIONS, type Permission } from './permissions.js';

export type OwnedResource = 'environment' | 'cluster' | 'service account' | 'api key' | 'operation';
export type ResourceKind = OwnedResource | 'organization' | 'invitation';
/** The organization owning a resource id, or null when there is no such resource. */
export type OwnerLookup = (id: string) => Promise<string | null>;

@Injectable()
export class AccessService {
  private readonly owners = new Map<OwnedResource, OwnerLookup>();

  constructor(@Inject(OrgsRepository) private readonly orgs: OrgsRepository) {}

  registerOwner(kind: OwnedResource, lookup: OwnerLookup): void {
    this.owners.set(kind, lookup);
  }

  roleIn(actor: Actor, orgId: string): Promise<Role | null> {
    return this.orgs.membershipRole(orgId, actor);
  }

  /** The org id, once the actor holds `permission` there; 404 for non-members. */
  async requireOrg(
    actor: Actor,
    orgId: string | null | undefined,
    permission: Permission,
    what: ResourceKind = 'organization',
  ): Promise<OrgId> {
    if (!orgId) throw problems.notFound(what);
    const role = await this.roleIn(actor, orgId);
    if (!role) throw problems.notFound(what);
    if (!ROLE_PERMISSIONS[role].has(permission)) {
      throw problems.forbidden(
        `role ${role} may not ${permission.replace(':', ' ')} in this organization`,
      );
    }
    return asOrgId(orgId);
  }

  /** The organization of resource `id` of `kind`, once the actor holds `permission` there. */
  async require(
    kind: OwnedResource,
    actor: Actor,
    id: string,
    permission: Permission,
  ): Promise<OrgId> {
    const lookup = this.owners.get(kind);
    if (!lookup) throw new Error(`no owner lookup registered for ${kind}`);
    return this.requireOrg(actor, await lookup(id), permission, kind);
  }

  environment(actor: Actor, id: string, permission: Permission): Promise<OrgId> {
    return this.require('environment', actor, id, permission);
  }

  /** Clusters that are DELETED are gone for every route (their lookup says so). */
  cluster(actor: Actor, id: string, permission: Permission): Promise<OrgId> {
    return this.require('cluster', actor, id, permission);
  }

  serviceAccount(actor: Actor, id: string, permission: Permission): Promise<OrgId> {
    return this.require('service account', actor, id, permission);
  }

  apiKey(actor: Actor, id: string, permission: Permission): Promise<OrgId> {
    return this.require('api key', actor, id, permission);
  }

  operation(actor: Actor, id: string, permission: Permission): Promise<OrgId> {
    return this.require('operation', actor, id, permission);
  }
}
