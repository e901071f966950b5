#!/usr/bin/env node
// Bundles the control plane's two entry points (src/main.ts -> dist/main.js, src/worker.ts ->
// dist/worker.js) with tools/build/bundle-app.mjs, which writes one dist/main.js per run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const app = dirname(fileURLToPath(import.meta.url));
const bundle = join(app, '../../tools/build/bundle-app.mjs');
const keep = mkdtempSync(join(tmpdir(), 'cp-build-'));
try {
  execFileSync(process.execPath, [bundle, app, 'src/worker.ts'], { stdio: 'inherit' });
  renameSync(join(app, 'dist/main.js'), join(keep, 'worker.js'));
  renameSync(join(app, 'dist/main.js.map'), join(keep, 'worker.js.map'));
  execFileSync(process.execPath, [bundle, app, 'src/main.ts'], { stdio: 'inherit' });
  renameSync(join(keep, 'worker.js'), join(app, 'dist/worker.js'));
  renameSync(join(keep, 'worker.js.map'), join(app, 'dist/worker.js.map'));
} finally {
  rmSync(keep, { recursive: true, force: true });
}
