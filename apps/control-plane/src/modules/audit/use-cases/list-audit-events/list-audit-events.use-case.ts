/** An organization's audit log, oldest first (ids start with a time part). */
import { Inject, Injectable } from '@nestjs/common';
import type { AuditEvent, OrgId } from '@tributary/db';
import type { PageRequest } from '../../../../platform/pagination.js';
import { AuditRepository } from '../../audit.repository.js';

@Injectable()
export class ListAuditEventsUseCase {
  constructor(@Inject(AuditRepository) private readonly audit: AuditRepository) {}

  execute(q: { orgId: OrgId; page: PageRequest }): Promise<AuditEvent[]> {
    return this.audit.list(q.orgId, q.page);
  }
}
