/**
 * Tenancy and roles in one place. A resource id is first resolved to its organization (the
 * only lookups not scoped by org id), then the caller's membership there is checked: a
 * caller outside the organization gets 404 (it cannot learn the resource exists), a member
 * without the permission gets 403.
 */
import { Inject, Injectable } from '@nestjs/common';
import { asOrgId, type Db, type OrgId, type Role } from '@tributary/db';
import type { Actor } from '../../platform/actor.js';
import { problems } from '../../platform/problem.js';
import { DB } from '../../platform/tokens.js';
import { ROLE_PERMISSIONS, type Permission } from './permissions.js';

export type ResourceKind =
  | 'organization'
  | 'environment'
  | 'cluster'
  | 'service account'
  | 'api key'
  | 'operation'
  | 'invitation';

@Injectable()
export class AccessService {
  constructor(@Inject(DB) private readonly db: Db) {}

  async roleIn(actor: Actor, orgId: string): Promise<Role | null> {
    const where =
      actor.kind === 'user'
        ? { orgId_userId: { orgId, userId: actor.id } }
        : { orgId_serviceAccountId: { orgId, serviceAccountId: actor.id } };
    const m = await this.db.membership.findUnique({ where, select: { role: true } });
    return m?.role ?? null;
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

  async environment(actor: Actor, id: string, permission: Permission): Promise<OrgId> {
    const row = await this.db.environment.findUnique({ where: { id }, select: { orgId: true } });
    return this.requireOrg(actor, row?.orgId, permission, 'environment');
  }

  /** Clusters that are DELETED are gone for every route. */
  async cluster(actor: Actor, id: string, permission: Permission): Promise<OrgId> {
    const row = await this.db.kafkaCluster.findUnique({
      where: { id },
      select: { orgId: true, status: true },
    });
    return this.requireOrg(
      actor,
      row && row.status !== 'DELETED' ? row.orgId : null,
      permission,
      'cluster',
    );
  }

  async serviceAccount(actor: Actor, id: string, permission: Permission): Promise<OrgId> {
    const row = await this.db.serviceAccount.findUnique({ where: { id }, select: { orgId: true } });
    return this.requireOrg(actor, row?.orgId, permission, 'service account');
  }

  async apiKey(actor: Actor, id: string, permission: Permission): Promise<OrgId> {
    const row = await this.db.clusterApiKey.findUnique({ where: { id }, select: { orgId: true } });
    return this.requireOrg(actor, row?.orgId, permission, 'api key');
  }

  async operation(actor: Actor, id: string, permission: Permission): Promise<OrgId> {
    const row = await this.db.operation.findUnique({ where: { id }, select: { orgId: true } });
    return this.requireOrg(actor, row?.orgId, permission, 'operation');
  }
}
