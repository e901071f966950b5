#!/usr/bin/env node
// Bundles an app's entry point (and the workspace libraries it uses, from source) into
// dist/main.js with esbuild. npm packages stay external: native addons and WebAssembly
// load from node_modules at run time. Type-checking is done separately (npm run typecheck).
//   node tools/build/bundle-app.mjs <app dir> [entry=src/main.ts]
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const appDir = resolve(process.argv[2] ?? '.');
const entry = process.argv[3] ?? 'src/main.ts';
const root = resolve(appDir, '../..');

function externalsOf(dir, seen = new Set()) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const out = new Set();
  for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
    if (name.startsWith('@tributary/')) {
      if (seen.has(name)) continue;
      seen.add(name);
      const lib = join(root, 'libs', name.slice('@tributary/'.length));
      for (const e of externalsOf(lib, seen)) out.add(e);
    } else {
      out.add(name);
    }
  }
  return out;
}

const external = [...externalsOf(appDir)];
rmSync(join(appDir, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: [join(appDir, entry)],
  outfile: join(appDir, 'dist/main.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  conditions: ['@tributary/source'],
  external,
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
console.log(`bundled ${join(appDir, 'dist/main.js')} (external: ${external.join(', ') || 'none'})`);
