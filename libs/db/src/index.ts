export { connectDatabase, createDb } from './client.js';
export type { Db } from './client.js';
export { Prisma } from './generated/prisma/client.js';
export type {
  Acl,
  Agent,
  AuditEvent,
  CloudApiKey,
  ClusterApiKey,
  Environment,
  IdempotencyRecord,
  Invitation,
  KafkaCluster,
  Membership,
  Operation,
  Organization,
  PoolObservation,
  PoolSpec,
  ServiceAccount,
  Session,
  Topic,
  UsageSample,
  User,
} from './generated/prisma/client.js';
export * from './generated/prisma/enums.js';
export { DbConflictError, DbNotFoundError, DbStaleError, dbCall, mapDbError } from './errors.js';
export * from './ids.js';
export { clientOf, inOrg, ofAgent, runInTransaction } from './tenancy.js';
export type { DbClient, TenantWhere, TransactionOptions, Tx } from './tenancy.js';
export { applyMigrations, createMigration, schemaDrift } from './migrations/migrate.js';
export type { MigrateOptions } from './migrations/migrate.js';
export { migrationsDir, prismaDir, schemaPath } from './migrations/migrations-dir.js';
