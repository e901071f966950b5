/** The ACL view (response body). */
import type { Acl } from '@tributary/db';

export const aclView = (a: Acl) => ({
  id: a.id,
  cluster_id: a.clusterId,
  resource_type: a.resourceType,
  resource_name: a.resourceName,
  pattern_type: a.patternType,
  principal: a.principal,
  host: a.host,
  operation: a.operation,
  permission: a.permissionType,
  created_at: a.createdAt.toISOString(),
});
