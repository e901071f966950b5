/**
 * Users, console sessions and cloud API keys. These are not tenant data: they belong to a
 * user (or a service account), and the lookups by token or key id are how a caller is
 * authenticated at all — so no method here takes an `OrgId`; each says whose data it is.
 */
import { Inject, Injectable } from '@nestjs/common';
import {
  dbCall,
  newId,
  type CloudApiKey,
  type Db,
  type Session,
  type Tx,
  type User,
} from '@tributary/db';
import type { Principal } from '../../platform/actor.js';
import { pageArgs, type PageRequest } from '../../platform/pagination.js';
import { Repository } from '../../platform/repository.js';
import { DB } from '../../platform/tokens.js';

export type CloudKeyWithOwner = CloudApiKey & { serviceAccount: { orgId: string } | null };

@Injectable()
export class AuthRepository extends Repository {
  constructor(@Inject(DB) db: Db) {
    super(db);
  }

  /** DbConflictError when the email is registered. */
  createUser(u: { id: string; email: string; name: string; passwordHash: string }, tx: Tx) {
    return dbCall(() => this.client(tx).user.create({ data: u }));
  }

  userByEmail(email: string): Promise<User | null> {
    return this.client().user.findUnique({ where: { email } });
  }

  userById(id: string): Promise<User | null> {
    return this.client().user.findUnique({ where: { id } });
  }

  createSession(s: Omit<Session, 'id' | 'createdAt'>): Promise<Session> {
    return this.client().session.create({ data: { id: newId('session'), ...s } });
  }

  sessionById(id: string): Promise<Session | null> {
    return this.client().session.findUnique({ where: { id } });
  }

  sessionByTokenHash(tokenHash: string): Promise<Session | null> {
    return this.client().session.findUnique({ where: { tokenHash } });
  }

  async deleteSession(id: string): Promise<void> {
    await this.client().session.deleteMany({ where: { id } });
  }

  createCloudKey(k: {
    id: string;
    secretHash: string;
    description: string;
    userId?: string;
    serviceAccountId?: string;
    orgId?: string | null;
  }): Promise<CloudApiKey> {
    return this.client().cloudApiKey.create({ data: k });
  }

  cloudKeysOf(owner: Principal, page: PageRequest): Promise<CloudApiKey[]> {
    const where = owner.kind === 'user' ? { userId: owner.id } : { serviceAccountId: owner.id };
    return this.client().cloudApiKey.findMany({ where, ...pageArgs(page) });
  }

  /** A key with its service account's organization: the bearer authentication lookup. */
  cloudKey(id: string): Promise<CloudKeyWithOwner | null> {
    return this.client().cloudApiKey.findUnique({
      where: { id },
      include: { serviceAccount: { select: { orgId: true } } },
    });
  }

  touchCloudKey(id: string, at: Date): Promise<unknown> {
    return this.client().cloudApiKey.update({ where: { id }, data: { lastUsedAt: at } });
  }

  async deleteCloudKey(id: string): Promise<void> {
    await this.client().cloudApiKey.deleteMany({ where: { id } });
  }
}
