/**
 * Where the schema and migrations live, and reading the migrations folder into the engine's
 * MigrationList (Prisma's format: `<timestamp>_<name>/migration.sql` + `migration_lock.toml`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MigrationList } from '@prisma/schema-engine-wasm/schema_engine_bg';

export const LOCKFILE = 'migration_lock.toml';

/**
 * libs/db/prisma, found from this file upwards: works from source and from an app bundle
 * (apps/<app>/dist/main.js) in the repository. TRIBUTARY_DB_PRISMA_DIR overrides it.
 */
export function prismaDir(): string {
  const override = process.env.TRIBUTARY_DB_PRISMA_DIR;
  if (override) return resolve(override);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    for (const candidate of [join(dir, 'prisma'), join(dir, 'libs/db/prisma')]) {
      if (existsSync(join(candidate, 'schema.prisma'))) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('libs/db/prisma not found (set TRIBUTARY_DB_PRISMA_DIR)');
    dir = parent;
  }
}

export const schemaPath = (dir = prismaDir()): string => join(dir, 'schema.prisma');
export const migrationsDir = (dir = prismaDir()): string => join(dir, 'migrations');

export function readMigrationList(baseDir: string): MigrationList {
  const lockPath = join(baseDir, LOCKFILE);
  const names = existsSync(baseDir)
    ? readdirSync(baseDir)
        .filter((n) => statSync(join(baseDir, n)).isDirectory())
        .sort()
    : [];
  return {
    baseDir,
    lockfile: {
      path: LOCKFILE,
      content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null,
    },
    shadowDbInitScript: '',
    migrationDirectories: names.map((path) => {
      const file = join(baseDir, path, 'migration.sql');
      return {
        path,
        migrationFile: {
          path: 'migration.sql',
          content: existsSync(file)
            ? { tag: 'ok' as const, value: readFileSync(file, 'utf8') }
            : { tag: 'error' as const, value: `${file} is missing` },
        },
      };
    }),
  };
}
