import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT_PACKAGE_NAME = 'tributary';
let cached: string | undefined;

/**
 * The monorepo root: the nearest directory at or above `from` whose package.json is named
 * "tributary". Defaults to walking up from this file, so it works from src/ and dist/ alike.
 */
export function repoRoot(from?: string): string {
  if (from === undefined && cached !== undefined) return cached;
  let dir = from ?? dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && packageName(pkg) === ROOT_PACKAGE_NAME) {
      if (from === undefined) cached = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        `no package.json named "${ROOT_PACKAGE_NAME}" above ${from ?? 'libs/testing'}`,
      );
    }
    dir = parent;
  }
}

function packageName(file: string): unknown {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && 'name' in parsed
      ? parsed.name
      : undefined;
  } catch {
    return undefined;
  }
}
