import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './repo-root.js';
import { createTempDir } from './temp-dir.js';

/** A parent that starts a long-running child through killWithParent, prints its pid, waits. */
const PARENT = (lifecycle: string) => `
import { spawn } from 'node:child_process';
const { killWithParent } = await import(${JSON.stringify(lifecycle)});
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
killWithParent(child);
child.once('spawn', () => console.log(child.pid));
setInterval(() => {}, 1000);
`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('killWithParent', () => {
  it('kills the child when the parent gets SIGTERM', async () => {
    const dir = await createTempDir('tributary-lifecycle-');
    try {
      const script = join(dir.path, 'parent.mts');
      await writeFile(script, PARENT(new URL('./process-lifecycle.ts', import.meta.url).href));
      const tsx = join(repoRoot(), 'node_modules', 'tsx', 'dist', 'loader.mjs');
      const parent = spawn(process.execPath, ['--import', tsx, script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const childPid = await new Promise<number>((resolve) =>
        parent.stdout.once('data', (b: Buffer) => resolve(Number(b.toString().trim()))),
      );
      expect(alive(childPid)).toBe(true);
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        parent.once('exit', (_c, s) => resolve(s)),
      );
      parent.kill('SIGTERM');
      expect(await exited).toBe('SIGTERM');
      for (let i = 0; i < 50 && alive(childPid); i++) await new Promise((r) => setTimeout(r, 100));
      expect(alive(childPid)).toBe(false);
    } finally {
      await dir.remove();
    }
  });
});
