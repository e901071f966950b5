import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './repo-root.js';

describe('repoRoot', () => {
  it('finds the package.json named "tributary" above this library', () => {
    const root = repoRoot();
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).name).toBe('tributary');
    expect(repoRoot(join(root, 'libs', 'testing', 'src'))).toBe(root);
  });

  it('fails outside the repository', () => {
    expect(() => repoRoot('/')).toThrow(/no package.json named "tributary"/);
  });
});
