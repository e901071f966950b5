/**
 * What every context uses, provided once for the whole app: the database (for
 * repositories only), configuration, Redis, queues, the clock, transactions, domain events,
 * deletion hooks and the Idempotency-Key records.
 */
import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { Db } from '@tributary/db';
import type { Redis } from 'ioredis';
import type { ControlPlaneConfig } from '../config.js';
import type { Clock } from './clock.js';
import { DeletionHooks } from './deletion-hooks.js';
import { DomainEvents } from './domain-events.js';
import { IdempotencyRepository } from './idempotency.repository.js';
import type { Queues } from './queues.js';
import { CLOCK, CONFIG, DB, QUEUES, REDIS } from './tokens.js';
import { Transactions } from './transactions.js';

export interface PlatformDeps {
  db: Db;
  config: ControlPlaneConfig;
  redis: Redis;
  queues: Queues;
  clock: Clock;
}

@Global()
@Module({})
export class PlatformModule {
  static forRoot(d: PlatformDeps): DynamicModule {
    const values: Provider[] = [
      { provide: DB, useValue: d.db },
      { provide: CONFIG, useValue: d.config },
      { provide: REDIS, useValue: d.redis },
      { provide: QUEUES, useValue: d.queues },
      { provide: CLOCK, useValue: d.clock },
    ];
    const classes = [Transactions, DomainEvents, DeletionHooks, IdempotencyRepository];
    return {
      module: PlatformModule,
      providers: [...values, ...classes],
      exports: [DB, CONFIG, REDIS, QUEUES, CLOCK, ...classes],
    };
  }
}
