/** The cluster API key view (response body; never the secret). */
import type { ClusterApiKey } from '@tributary/db';

export const apiKeyView = (k: ClusterApiKey) => ({
  id: k.id,
  cluster_id: k.clusterId,
  principal: k.principal,
  owner: k.ownerServiceAccountId
    ? { kind: 'service_account', id: k.ownerServiceAccountId }
    : { kind: 'user', id: k.ownerUserId },
  description: k.description,
  status: k.status,
  created_at: k.createdAt.toISOString(),
});
