/**
 * Base of every repository: the only classes that hold the Prisma client. The client is
 * private and `client()` protected, so nothing outside a repository can reach a Prisma
 * delegate; tenant-scoped methods take an `OrgId` and build their `where` with `inOrg`.
 */
import { clientOf, type Db, type DbClient, type Tx } from '@tributary/db';

export abstract class Repository {
  // An ES private field: not a property at run time either.
  readonly #db: Db;
  protected constructor(db: Db) {
    this.#db = db;
  }

  /** The client for one call: the caller's transaction when it passes one. */
  protected client(tx?: Tx): DbClient {
    return clientOf(this.#db, tx);
  }

  /** A transaction inside one repository method (several statements that go together). */
  protected inTransaction<T>(tx: Tx | undefined, fn: (c: DbClient) => Promise<T>): Promise<T> {
    if (tx) return fn(clientOf(this.#db, tx));
    return this.#db.$transaction((c) => fn(c));
  }
}
