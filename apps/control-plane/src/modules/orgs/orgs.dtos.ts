/** Request bodies and views of organizations, members and invitations. */
import { z } from 'zod';
import { email } from '../auth/auth.dtos.js';
import { displayName } from '../../platform/validation.js';

export const ROLES = [
  'OrgAdmin',
  'EnvironmentAdmin',
  'Developer',
  'BillingAdmin',
  'Viewer',
] as const;
export const createOrgBody = z.strictObject({ name: displayName });
export const updateOrgBody = z.strictObject({ name: displayName });
export const updateMemberBody = z.strictObject({ role: z.enum(ROLES) });
export const createInvitationBody = z.strictObject({ email, role: z.enum(ROLES) });
export const acceptInvitationBody = z.strictObject({ token: z.string().min(20).max(200) });
export const orgView = (o: { id: string; name: string; createdAt: Date }) => ({
  id: o.id,
  name: o.name,
  created_at: o.createdAt.toISOString(),
});
