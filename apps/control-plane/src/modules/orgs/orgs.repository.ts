/**
 * Organizations, memberships and invitations: the only code that touches their tables.
 * Every method on an organization's data takes its `OrgId`. Not scoped by organization, by
 * design: `membershipRole` (the access check itself: it turns a claimed org id into an
 * `OrgId`), `organizationsOf` (scoped by the member instead), `invitationByTokenHash` (the
 * token is the credential) and `createOrganization` (there is no organization yet).
 */
import { Inject, Injectable } from '@nestjs/common';
import {
  asOrgId,
  dbCall,
  inOrg,
  newId,
  DbStaleError,
  type Db,
  type Invitation,
  type Membership,
  type Organization,
  type OrgId,
  type Role,
  type Tx,
} from '@tributary/db';
import type { Principal } from '../../platform/actor.js';
import { pageArgs, type PageRequest } from '../../platform/pagination.js';
import { Repository } from '../../platform/repository.js';
import { DB } from '../../platform/tokens.js';

export type MemberWithUser = Membership & { user: { email: string; name: string } | null };
export type MembershipWithOrg = Membership & { org: { name: string } };

const memberOf = (p: Principal) =>
  p.kind === 'user' ? { userId: p.id } : { serviceAccountId: p.id };

@Injectable()
export class OrgsRepository extends Repository {
  constructor(@Inject(DB) db: Db) {
    super(db);
  }

  /** The principal's role in the claimed organization (null: not a member, or no such org). */
  async membershipRole(claimedOrgId: string, p: Principal): Promise<Role | null> {
    const where =
      p.kind === 'user'
        ? { orgId_userId: { orgId: claimedOrgId, userId: p.id } }
        : { orgId_serviceAccountId: { orgId: claimedOrgId, serviceAccountId: p.id } };
    const m = await this.client().membership.findUnique({ where, select: { role: true } });
    return m?.role ?? null;
  }

  organizationsOf(p: Principal, page: PageRequest): Promise<Organization[]> {
    return this.client().organization.findMany({
      where: { memberships: { some: memberOf(p) } },
      ...pageArgs(page),
    });
  }

  /** The principal's memberships with the organizations' names (the session view). */
  membershipsOf(p: Principal): Promise<MembershipWithOrg[]> {
    return this.client().membership.findMany({
      where: memberOf(p),
      include: { org: { select: { name: true } } },
      orderBy: { orgId: 'asc' },
    });
  }

  /** A new organization with `adminUserId` as its OrgAdmin. */
  async createOrganization(
    name: string,
    adminUserId: string,
    tx?: Tx,
    id: OrgId = asOrgId(newId('org')),
  ): Promise<Organization> {
    return this.inTransaction(tx, async (c) => {
      const org = await c.organization.create({ data: { id, name } });
      await c.membership.create({
        data: { id: newId('membership'), orgId: id, userId: adminUserId, role: 'OrgAdmin' },
      });
      return org;
    });
  }

  organization(orgId: OrgId): Promise<Organization> {
    return this.client().organization.findUniqueOrThrow({ where: { id: orgId } });
  }

  /** Renames when still at `version`; DbStaleError otherwise. */
  async renameOrganization(orgId: OrgId, version: number, name: string): Promise<Organization> {
    const n = await this.client().organization.updateMany({
      where: { id: orgId, version },
      data: { name, version: { increment: 1 } },
    });
    if (n.count === 0) throw new DbStaleError('the organization changed meanwhile');
    return this.organization(orgId);
  }

  members(orgId: OrgId, page: PageRequest): Promise<MemberWithUser[]> {
    return this.client().membership.findMany({
      where: inOrg(orgId, {}),
      include: { user: { select: { email: true, name: true } } },
      ...pageArgs(page),
    });
  }

  member(orgId: OrgId, memberId: string): Promise<Membership | null> {
    return this.client().membership.findFirst({ where: inOrg(orgId, { id: memberId }) });
  }

  isUserMember(orgId: OrgId, userId: string): Promise<boolean> {
    return this.client()
      .membership.count({ where: inOrg(orgId, { userId }) })
      .then((n) => n > 0);
  }

  countAdmins(orgId: OrgId): Promise<number> {
    return this.client().membership.count({ where: inOrg(orgId, { role: 'OrgAdmin' }) });
  }

  async setMemberRole(orgId: OrgId, memberId: string, role: Role): Promise<Membership> {
    return this.client().membership.update({
      where: inOrg(orgId, { id: memberId }),
      data: { role, version: { increment: 1 } },
    });
  }

  async removeMember(orgId: OrgId, memberId: string): Promise<void> {
    await this.client().membership.deleteMany({ where: inOrg(orgId, { id: memberId }) });
  }

  async addServiceAccountMember(
    orgId: OrgId,
    serviceAccountId: string,
    role: Role,
    tx?: Tx,
  ): Promise<void> {
    await this.client(tx).membership.create({
      data: { id: newId('membership'), orgId, serviceAccountId, role },
    });
  }

  invitations(orgId: OrgId, page: PageRequest): Promise<Invitation[]> {
    return this.client().invitation.findMany({ where: inOrg(orgId, {}), ...pageArgs(page) });
  }

  createInvitation(
    orgId: OrgId,
    i: { email: string; role: Role; tokenHash: string; invitedById: string; expiresAt: Date },
  ): Promise<Invitation> {
    return this.client().invitation.create({
      data: { id: newId('invitation'), orgId, ...i },
    });
  }

  /** PENDING → REVOKED; false when there is no such pending invitation. */
  async revokeInvitation(orgId: OrgId, invitationId: string): Promise<boolean> {
    const n = await this.client().invitation.updateMany({
      where: inOrg(orgId, { id: invitationId, status: 'PENDING' }),
      data: { status: 'REVOKED' },
    });
    return n.count > 0;
  }

  invitationByTokenHash(tokenHash: string): Promise<Invitation | null> {
    return this.client().invitation.findUnique({ where: { tokenHash } });
  }

  /** The invited user's email, to match an invitation (members' views show it too). */
  async emailOf(userId: string): Promise<string> {
    return (
      await this.client().user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } })
    ).email;
  }

  /** Membership from the invitation, which becomes ACCEPTED; DbConflictError if a member. */
  async acceptInvitation(orgId: OrgId, invitationId: string, userId: string, role: Role) {
    await dbCall(() =>
      this.inTransaction(undefined, async (c) => {
        await c.membership.create({ data: { id: newId('membership'), orgId, userId, role } });
        await c.invitation.update({
          where: inOrg(orgId, { id: invitationId }),
          data: { status: 'ACCEPTED' },
        });
      }),
    );
  }
}
