/**
 * Stored Idempotency-Key records, scoped by the calling principal (`user:<id>` or
 * `serviceAccount:<id>`), not by organization: a key belongs to whoever sent it.
 */
import { Inject, Injectable } from '@nestjs/common';
import { dbCall, newId, Prisma, type Db, type IdempotencyRecord } from '@tributary/db';
import { Repository } from './repository.js';
import { DB } from './tokens.js';

@Injectable()
export class IdempotencyRepository extends Repository {
  constructor(@Inject(DB) db: Db) {
    super(db);
  }

  /** Claims the key; DbConflictError when the principal used it before. */
  async claim(principalId: string, key: string, requestHash: string): Promise<string> {
    const id = newId('idempotency');
    await dbCall(() =>
      this.client().idempotencyRecord.create({ data: { id, principalId, key, requestHash } }),
    );
    return id;
  }

  prior(principalId: string, key: string): Promise<IdempotencyRecord | null> {
    return this.client().idempotencyRecord.findUnique({
      where: { principalId_key: { principalId, key } },
    });
  }

  async complete(
    id: string,
    r: { statusCode: number; body: unknown; location: string | null },
  ): Promise<void> {
    await this.client().idempotencyRecord.update({
      where: { id },
      data: {
        statusCode: r.statusCode,
        responseBody: (r.body ?? Prisma.JsonNull) as Prisma.InputJsonValue,
        location: r.location,
        completedAt: new Date(),
      },
    });
  }

  async release(id: string): Promise<void> {
    await this.client().idempotencyRecord.delete({ where: { id } });
  }
}
