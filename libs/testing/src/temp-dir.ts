import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  readonly path: string;
  /** Deletes the directory and everything in it; safe to call twice. */
  remove(): Promise<void>;
}

/**
 * A fresh directory under $TRIBUTARY_TMPDIR (or the OS temp dir). Tests own it and remove it;
 * set TRIBUTARY_KEEP_TMP=1 to keep every directory for post-mortems.
 */
export async function createTempDir(prefix = 'tributary-'): Promise<TempDir> {
  const base = process.env.TRIBUTARY_TMPDIR ?? tmpdir();
  const path = await mkdtemp(join(base, prefix));
  return {
    path,
    async remove() {
      if (process.env.TRIBUTARY_KEEP_TMP === '1') return;
      await rm(path, { recursive: true, force: true });
    },
  };
}
