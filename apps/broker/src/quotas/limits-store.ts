/** meta/limits.json: the pool's limits as last applied, so they hold across restarts. */
import { join } from 'node:path';
import type { DataDir } from '../storage/data-dir.js';
import { readJsonIfExists, writeFileDurably } from '../storage/durable-file.js';
import { type Limits, NO_LIMITS, parseLimits } from './limits.js';

export function limitsFile(dir: DataDir): string {
  return join(dir.metaDir, 'limits.json');
}

export async function loadLimits(dir: DataDir): Promise<Limits> {
  const path = limitsFile(dir);
  const raw = await readJsonIfExists<unknown>(path);
  if (raw === undefined) return NO_LIMITS;
  const parsed = parseLimits(raw);
  if (!parsed.ok) {
    const first = parsed.errors[0];
    throw new Error(`${path} is invalid: ${first.field}: ${first.message}`);
  }
  return parsed.limits;
}

export async function saveLimits(dir: DataDir, limits: Limits): Promise<void> {
  await writeFileDurably(limitsFile(dir), JSON.stringify(limits, null, 2));
}
