/** The audit event view (response body). */
import type { AuditEvent } from '@tributary/db';

export const auditView = (a: AuditEvent) => ({
  id: a.id,
  organization_id: a.orgId,
  actor: { type: a.actorType, id: a.actorId },
  action: a.action,
  target: { type: a.targetType, id: a.targetId },
  source: { ip: a.ip, user_agent: a.userAgent },
  details: a.details,
  time: a.createdAt.toISOString(),
});
