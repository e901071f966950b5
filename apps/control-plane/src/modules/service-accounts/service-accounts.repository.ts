/**
 * Service accounts' table. Tenant methods take an `OrgId`; `ownerOf` resolves an id for the
 * access check (not scoped, by design).
 */
import { Inject, Injectable } from '@nestjs/common';
import {
  dbCall,
  DbStaleError,
  inOrg,
  type Db,
  type OrgId,
  type ServiceAccount,
  type ServiceAccountId,
  type Tx,
} from '@tributary/db';
import { pageArgs, type PageRequest } from '../../platform/pagination.js';
import { Repository } from '../../platform/repository.js';
import { DB } from '../../platform/tokens.js';

@Injectable()
export class ServiceAccountsRepository extends Repository {
  constructor(@Inject(DB) db: Db) {
    super(db);
  }

  async ownerOf(id: string): Promise<string | null> {
    const row = await this.client().serviceAccount.findUnique({
      where: { id },
      select: { orgId: true },
    });
    return row?.orgId ?? null;
  }

  list(orgId: OrgId, page: PageRequest): Promise<ServiceAccount[]> {
    return this.client().serviceAccount.findMany({ where: inOrg(orgId, {}), ...pageArgs(page) });
  }

  async exists(orgId: OrgId, id: string): Promise<boolean> {
    return (await this.client().serviceAccount.count({ where: inOrg(orgId, { id }) })) > 0;
  }

  /** DbConflictError when the name is taken in the organization. */
  create(
    orgId: OrgId,
    sa: { id: ServiceAccountId; name: string; description: string },
    tx: Tx,
  ): Promise<ServiceAccount> {
    return dbCall(() => this.client(tx).serviceAccount.create({ data: { ...sa, orgId } }));
  }

  get(orgId: OrgId, id: ServiceAccountId): Promise<ServiceAccount> {
    return this.client().serviceAccount.findFirstOrThrow({ where: inOrg(orgId, { id }) });
  }

  async update(
    orgId: OrgId,
    id: ServiceAccountId,
    version: number,
    u: { name?: string; description?: string },
  ): Promise<ServiceAccount> {
    const n = await dbCall(() =>
      this.client().serviceAccount.updateMany({
        where: inOrg(orgId, { id, version }),
        data: { ...u, version: { increment: 1 } },
      }),
    );
    if (n.count === 0) throw new DbStaleError('the service account changed meanwhile');
    return this.get(orgId, id);
  }

  async delete(orgId: OrgId, id: ServiceAccountId, tx: Tx): Promise<void> {
    await this.client(tx).serviceAccount.deleteMany({ where: inOrg(orgId, { id }) });
  }
}
