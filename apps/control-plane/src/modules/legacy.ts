/**
 * TEMPORARY while contexts move to use cases: the audit facade and owner lookups the
 * not-yet-moved controllers use. Each context's move deletes its part; the last deletes this.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { OrgId } from '@tributary/db';
import { DomainEvents, type EventActor } from '../platform/domain-events.js';

@Injectable()
export class AuditService {
  constructor(@Inject(DomainEvents) private readonly events: DomainEvents) {}

  async record(
    actor: EventActor,
    orgId: string | null,
    action: string,
    target: { type: string; id: string },
    details: Record<string, unknown> = {},
  ): Promise<void> {
    await this.events.publish({ action, actor, orgId: orgId as OrgId | null, target, details });
  }
}
