/**
 * Environments' table. Tenant methods take an `OrgId`; `ownerOf` resolves an environment id
 * for the access check (not scoped, by design). Unique-name violations come back as
 * DbConflictError, lost optimistic updates as DbStaleError.
 */
import { Inject, Injectable } from '@nestjs/common';
import {
  dbCall,
  DbStaleError,
  inOrg,
  newId,
  type Db,
  type Environment,
  type EnvironmentId,
  type OrgId,
  type Tx,
} from '@tributary/db';
import { pageArgs, type PageRequest } from '../../platform/pagination.js';
import { Repository } from '../../platform/repository.js';
import { DB } from '../../platform/tokens.js';

@Injectable()
export class EnvironmentsRepository extends Repository {
  constructor(@Inject(DB) db: Db) {
    super(db);
  }

  async ownerOf(id: string): Promise<string | null> {
    const row = await this.client().environment.findUnique({
      where: { id },
      select: { orgId: true },
    });
    return row?.orgId ?? null;
  }

  list(orgId: OrgId, page: PageRequest): Promise<Environment[]> {
    return this.client().environment.findMany({ where: inOrg(orgId, {}), ...pageArgs(page) });
  }

  create(orgId: OrgId, name: string): Promise<Environment> {
    return dbCall(() =>
      this.client().environment.create({ data: { id: newId('environment'), orgId, name } }),
    );
  }

  get(orgId: OrgId, id: EnvironmentId): Promise<Environment> {
    return this.client().environment.findFirstOrThrow({ where: inOrg(orgId, { id }) });
  }

  async rename(orgId: OrgId, id: EnvironmentId, version: number, name: string) {
    const n = await dbCall(() =>
      this.client().environment.updateMany({
        where: inOrg(orgId, { id, version }),
        data: { name, version: { increment: 1 } },
      }),
    );
    if (n.count === 0) throw new DbStaleError('the environment changed meanwhile');
    return this.get(orgId, id);
  }

  async delete(orgId: OrgId, id: EnvironmentId, tx: Tx): Promise<void> {
    await this.client(tx).environment.deleteMany({ where: inOrg(orgId, { id }) });
  }
}
