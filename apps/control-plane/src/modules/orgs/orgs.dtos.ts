/** Roles and the views (response bodies) of organizations, members and invitations. */
import type { Invitation, Membership, Organization } from '@tributary/db';

export const ROLES = [
  'OrgAdmin',
  'EnvironmentAdmin',
  'Developer',
  'BillingAdmin',
  'Viewer',
] as const;

export const orgView = (o: Pick<Organization, 'id' | 'name' | 'createdAt'>) => ({
  id: o.id,
  name: o.name,
  created_at: o.createdAt.toISOString(),
});

export const memberView = (m: Membership & { user: { email: string; name: string } | null }) => ({
  id: m.id,
  role: m.role,
  user: m.userId ? { id: m.userId, email: m.user?.email, name: m.user?.name } : null,
  service_account: m.serviceAccountId ? { id: m.serviceAccountId } : null,
  created_at: m.createdAt.toISOString(),
});

export const invitationView = (i: Invitation) => ({
  id: i.id,
  email: i.email,
  role: i.role,
  status: i.status,
  expires_at: i.expiresAt.toISOString(),
});
