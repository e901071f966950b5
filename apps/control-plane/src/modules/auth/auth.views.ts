/** The cloud API key view (response body; the token only in the create response). */
import type { CloudApiKey } from '@tributary/db';

export const cloudApiKeyView = (r: CloudApiKey) => ({
  id: r.id,
  description: r.description,
  owner: r.userId
    ? { kind: 'user', id: r.userId }
    : { kind: 'service_account', id: r.serviceAccountId },
  created_at: r.createdAt.toISOString(),
  last_used_at: r.lastUsedAt?.toISOString() ?? null,
});
