/** The service account view (response body). */
import type { ServiceAccount } from '@tributary/db';

export const serviceAccountView = (s: ServiceAccount) => ({
  id: s.id,
  organization_id: s.orgId,
  name: s.name,
  description: s.description,
  principal: `User:${s.id}`,
  created_at: s.createdAt.toISOString(),
});
