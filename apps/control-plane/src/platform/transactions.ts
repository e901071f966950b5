/**
 * One transaction across repositories (and contexts): `run(tx => ...)` hands an opaque `Tx`
 * that use cases pass on to repository methods.
 */
import { Inject, Injectable } from '@nestjs/common';
import { runInTransaction, type Db, type TransactionOptions, type Tx } from '@tributary/db';
import { DB } from './tokens.js';

@Injectable()
export class Transactions {
  constructor(@Inject(DB) private readonly db: Db) {}

  run<T>(fn: (tx: Tx) => Promise<T>, opts?: TransactionOptions): Promise<T> {
    return runInTransaction(this.db, fn, opts);
  }
}
