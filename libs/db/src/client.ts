/**
 * The Prisma client over node-postgres (@prisma/adapter-pg): Prisma 7 needs no query engine
 * binary this way. `connectDatabase` checks the connection at once, so a process that cannot
 * reach its database fails at start-up rather than on its first request.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';

export type Db = PrismaClient;

export function createDb(databaseUrl: string, poolSize = 10): Db {
  const adapter = new PrismaPg(
    { connectionString: databaseUrl, max: poolSize, connectionTimeoutMillis: 5_000 },
    // An idle connection dropped by the server (restart, failover) must not kill the
    // process: the pool opens a new one for the next query.
    { onPoolError: (e) => console.error(`database connection lost: ${e.message}`) },
  );
  return new PrismaClient({ adapter });
}

export async function connectDatabase(databaseUrl: string, poolSize?: number): Promise<Db> {
  const db = createDb(databaseUrl, poolSize);
  try {
    await db.$queryRawUnsafe('SELECT 1');
  } catch (e) {
    await db.$disconnect().catch(() => undefined);
    throw new Error(`cannot reach the database: ${(e as Error).message}`, { cause: e });
  }
  return db;
}
