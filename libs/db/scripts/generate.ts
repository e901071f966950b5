/**
 * Runs `prisma generate` offline. The Prisma 7 CLI insists on locating its native schema
 * engine first; generation does not use it, so any existing file satisfies the check.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { execFileSync } from 'node:child_process';

const require = createRequire(import.meta.url);

/** Generates the client for libDir/prisma/schema.prisma into its configured output. */
export async function runPrismaGenerate(libDir: string, expectOutput: string): Promise<void> {
  const cli = join(require.resolve('prisma/package.json'), '..', 'build/index.js');
  execFileSync(
    process.execPath,
    [cli, 'generate', '--schema', join(libDir, 'prisma/schema.prisma')],
    {
      cwd: libDir,
      stdio: 'inherit',
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
      },
    },
  );
  statSync(expectOutput);
}

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

/** Files that differ between the committed client and a fresh generation (empty = current). */
export async function staleGeneratedFiles(libDir: string): Promise<string[]> {
  // Inside libs/db so prisma.config.ts resolves `prisma/config` from node_modules.
  const tmp = mkdtempSync(join(libDir, '.generate-check-'));
  try {
    cpSync(join(libDir, 'prisma/schema.prisma'), join(tmp, 'prisma/schema.prisma'));
    cpSync(join(libDir, 'prisma.config.ts'), join(tmp, 'prisma.config.ts'));
    await runPrismaGenerate(tmp, join(tmp, 'src/generated/prisma'));
    const fresh = files(join(tmp, 'src/generated/prisma'));
    const committed = files(join(libDir, 'src/generated/prisma'));
    const names = new Set([...fresh.keys(), ...committed.keys()]);
    return [...names].filter((n) => fresh.get(n) !== committed.get(n)).sort();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
