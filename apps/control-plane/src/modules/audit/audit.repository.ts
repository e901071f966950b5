/**
 * The audit log's table. Writing takes the event's organization as it is (null for events
 * outside any organization, e.g. a user's own cloud API key); reading is per `OrgId`.
 */
import { Inject, Injectable } from '@nestjs/common';
import { inOrg, newId, type AuditEvent, type Db, type OrgId, type Prisma } from '@tributary/db';
import type { DomainEvent } from '../../platform/domain-events.js';
import { pageArgs, type PageRequest } from '../../platform/pagination.js';
import { Repository } from '../../platform/repository.js';
import { DB } from '../../platform/tokens.js';

@Injectable()
export class AuditRepository extends Repository {
  constructor(@Inject(DB) db: Db) {
    super(db);
  }

  async record(e: DomainEvent): Promise<void> {
    await this.client().auditEvent.create({
      data: {
        id: newId('audit'),
        orgId: e.orgId,
        actorType: e.actor.kind,
        actorId: e.actor.id,
        action: e.action,
        targetType: e.target.type,
        targetId: e.target.id,
        ip: e.actor.ip ?? null,
        userAgent: e.actor.userAgent ?? null,
        details: (e.details ?? {}) as Prisma.InputJsonObject,
      },
    });
  }

  list(orgId: OrgId, page: PageRequest): Promise<AuditEvent[]> {
    return this.client().auditEvent.findMany({ where: inOrg(orgId, {}), ...pageArgs(page) });
  }
}
