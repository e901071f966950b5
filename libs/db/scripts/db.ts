/**
 * Database commands without the Prisma CLI's engine download:
 *   db.ts migrate            apply pending migrations to $DATABASE_URL
 *   db.ts dev <name>         create a migration from schema changes (needs CREATE DATABASE
 *                            for the shadow database), then apply it
 *   db.ts drift              print the SQL the migrations lack compared to the schema
 *   db.ts generate           regenerate the Prisma client (src/generated/prisma)
 */

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyMigrations, createMigration, schemaDrift } from '../src/migrations/migrate.js';
import { runPrismaGenerate } from './generate.js';

const [command, name] = process.argv.slice(2);
const databaseUrl = process.env.DATABASE_URL ?? '';
const libDir = join(dirname(fileURLToPath(import.meta.url)), '..');

function needUrl(): string {
  if (!databaseUrl) {
    console.error('set DATABASE_URL (postgresql://user@host:port/database)');
    process.exit(2);
  }
  return databaseUrl;
}

switch (command) {
  case 'migrate': {
    const applied = await applyMigrations({ databaseUrl: needUrl() });
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    break;
  }
  case 'dev': {
    if (!name || !/^[a-z0-9_]+$/.test(name)) {
      console.error('usage: db.ts dev <migration_name> (lower-case letters, digits, _)');
      process.exit(2);
    }
    const created = await createMigration({ databaseUrl: needUrl(), name });
    console.log(created ? `created and applied ${created}` : 'no schema changes');
    break;
  }
  case 'drift': {
    const sql = await schemaDrift({ databaseUrl: needUrl() });
    console.log(sql || 'migrations match the schema');
    if (sql) process.exit(1);
    break;
  }
  case 'generate':
    await runPrismaGenerate(libDir, join(libDir, 'src/generated/prisma'));
    break;
  default:
    console.error('usage: db.ts migrate | dev <name> | drift | generate');
    process.exit(2);
}
