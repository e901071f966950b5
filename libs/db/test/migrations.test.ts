// The migration runner on a real PostgreSQL: a fresh database gets every migration, a second
// run applies nothing, the migrations produce exactly the schema (no drift), concurrent
// runners do not collide, the committed Prisma client is current, and unique violations
// come back as DbConflictError.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres, type PostgresServer } from '@tributary/testing';
import {
  DbConflictError,
  applyMigrations,
  connectDatabase,
  dbCall,
  migrationsDir,
  newId,
  schemaDrift,
} from '../src/index.js';
import { staleGeneratedFiles } from '../scripts/generate.js';

let pg: PostgresServer;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

describe('migrations', () => {
  it('apply to a fresh database once, also when two runners start together', async () => {
    const url = await pg.createDatabase('fresh');
    const all = readdirSync(migrationsDir())
      .filter((n) => /^\d+_/.test(n))
      .sort();
    const [a, b] = await Promise.all([
      applyMigrations({ databaseUrl: url }),
      applyMigrations({ databaseUrl: url }),
    ]);
    expect([...a, ...b].sort()).toEqual(all);
    expect(await applyMigrations({ databaseUrl: url })).toEqual([]);
  });

  it('match the Prisma schema (no drift)', async () => {
    const url = await pg.createDatabase('drift');
    expect(await schemaDrift({ databaseUrl: url })).toBe('');
  });

  it('the Prisma client gives DbConflictError for a duplicate email', async () => {
    const url = await pg.createDatabase('conflict');
    await applyMigrations({ databaseUrl: url });
    const db = await connectDatabase(url);
    try {
      const user = () => ({
        id: newId('user'),
        email: 'a@example.com',
        name: 'A',
        passwordHash: 'x',
      });
      await db.user.create({ data: user() });
      const err = await dbCall(() => db.user.create({ data: user() })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DbConflictError);
      expect((err as DbConflictError).fields).toEqual(['email']);
    } finally {
      await db.$disconnect();
    }
  });

  it('connectDatabase fails fast when the database is unreachable', async () => {
    await expect(connectDatabase('postgresql://postgres@127.0.0.1:1/none')).rejects.toThrow(
      /cannot reach the database/,
    );
  });
});

describe('generated client', () => {
  it('is what prisma generate makes from the schema', async () => {
    const libDir = join(dirname(fileURLToPath(import.meta.url)), '..');
    expect(await staleGeneratedFiles(libDir)).toEqual([]);
  });
});
