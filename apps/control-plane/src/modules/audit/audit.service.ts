/** The audit log: who did what to which resource, when, and from where. */
import { Inject, Injectable } from '@nestjs/common';
import { newId, type Db, type Prisma } from '@tributary/db';
import type { Actor } from '../../platform/actor.js';
import { DB } from '../../platform/tokens.js';

type Tx = Pick<Db, 'auditEvent'>;

@Injectable()
export class AuditService {
  constructor(@Inject(DB) private readonly db: Db) {}

  async record(
    actor: Actor | { kind: 'system' | 'agent'; id: string; ip?: string; userAgent?: string },
    orgId: string | null,
    action: string,
    target: { type: string; id: string },
    details: Prisma.InputJsonObject = {},
    tx: Tx = this.db,
  ): Promise<void> {
    await tx.auditEvent.create({
      data: {
        id: newId('audit'),
        orgId,
        actorType: actor.kind,
        actorId: actor.id,
        action,
        targetType: target.type,
        targetId: target.id,
        ip: actor.ip ?? null,
        userAgent: actor.userAgent ?? null,
        details,
      },
    });
  }
}
