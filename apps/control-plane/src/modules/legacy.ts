/**
 * TEMPORARY while contexts move to use cases: the audit facade and owner lookups the
 * not-yet-moved controllers use. Each context's move deletes its part; the last deletes this.
 */
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Db, OrgId } from '@tributary/db';
import { DomainEvents, type EventActor } from '../platform/domain-events.js';
import { DB } from '../platform/tokens.js';
import { AccessService } from './orgs/access.service.js';

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

@Injectable()
export class LegacyOwners implements OnModuleInit {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(AccessService) private readonly access: AccessService,
  ) {}

  onModuleInit(): void {
    const db = this.db;
    this.access.registerOwner('service account', async (id) => {
      const row = await db.serviceAccount.findUnique({ where: { id }, select: { orgId: true } });
      return row?.orgId ?? null;
    });
    this.access.registerOwner('api key', async (id) => {
      const row = await db.clusterApiKey.findUnique({ where: { id }, select: { orgId: true } });
      return row?.orgId ?? null;
    });
  }
}
