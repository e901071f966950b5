import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTempDir } from './temp-dir.js';

describe('createTempDir', () => {
  it('creates a fresh directory and removes it with its contents', async () => {
    const a = await createTempDir('tributary-t-');
    const b = await createTempDir('tributary-t-');
    expect(a.path).not.toBe(b.path);
    await writeFile(join(a.path, 'f'), 'x');
    await a.remove();
    await a.remove();
    await b.remove();
    expect(existsSync(a.path)).toBe(false);
  });
});
