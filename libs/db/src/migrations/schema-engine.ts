/**
 * Loads Prisma's schema engine compiled to WebAssembly (@prisma/schema-engine-wasm, pinned).
 * Node 20 cannot `import` a .wasm module, so the module is instantiated by hand with the
 * package's wasm-bindgen glue as its import object — the same wiring the package's own entry
 * point does with a bundler.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';

type Bindings = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');

/** The part of the WebAssembly JS API used here (the workspace compiles without DOM types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, unknown>,
  ) => { exports: Record<string, unknown> };
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let bindings: Promise<Bindings> | undefined;

async function loadBindings(): Promise<Bindings> {
  const require = createRequire(import.meta.url);
  const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const glue = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as Bindings;
  const module = new Wasm.Module(readFileSync(join(dirname(gluePath), 'schema_engine_bg.wasm')));
  const instance = new Wasm.Instance(module, {
    './schema_engine_bg.js': glue,
  });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue;
}

export type { SchemaEngine };

/** A schema engine over `adapterFactory` for the schema file at `schemaPath`. */
export async function openSchemaEngine(
  schemaPath: string,
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  log: (line: string) => void = () => {},
): Promise<SchemaEngine> {
  bindings ??= loadBindings();
  const { SchemaEngine: Engine } = await bindings;
  const datamodel = readFileSync(schemaPath, 'utf8');
  return Engine.new(
    { datamodels: [[schemaPath, datamodel]] },
    (message: string) => log(message),
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
}
