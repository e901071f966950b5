/** The environment view (response body). */
import type { Environment } from '@tributary/db';

export const environmentView = (e: Environment) => ({
  id: e.id,
  organization_id: e.orgId,
  name: e.name,
  created_at: e.createdAt.toISOString(),
});
