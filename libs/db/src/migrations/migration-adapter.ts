/**
 * The driver adapter the WASM schema engine migrates through: @prisma/adapter-pg with two
 * fixes for known problems on this path (see RECIPES "Prisma 7 without downloaded engines"):
 *  - introspection reads Postgres `"char"` (OID 18) and `name` (OID 19) columns, which the
 *    adapter cannot map (prisma/prisma#27403): results report them as text / text[];
 *  - the shadow database (used only to create migrations) is reached with discrete
 *    connection fields, and dropped after its pool is closed, not while still connected.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';

const TEXT_OID = 25;
const TEXT_ARRAY_OID = 1009;
const REMAP: Record<number, number> = {
  18: TEXT_OID,
  19: TEXT_OID,
  1002: TEXT_ARRAY_OID,
  1003: TEXT_ARRAY_OID,
};

interface FieldLike {
  dataTypeID: number;
}

function remapFields(result: unknown): void {
  const results = Array.isArray(result) ? result : [result];
  for (const r of results) {
    const fields = (r as { fields?: FieldLike[] } | undefined)?.fields;
    if (!fields) continue;
    for (const f of fields) f.dataTypeID = REMAP[f.dataTypeID] ?? f.dataTypeID;
  }
}

/** A pg client whose results never carry the OIDs the adapter cannot map. */
class TextNameClient extends pg.Client {
  override query(...args: unknown[]): never {
    // pg.Pool calls query(text, values, callback); the adapter's transactions use promises.
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last] as (err: unknown, result: unknown) => void;
      args[last] = (err: unknown, result: unknown) => {
        if (!err) remapFields(result);
        callback(err, result);
      };
    }
    const out = (super.query as (...a: unknown[]) => unknown)(...args);
    if (out && typeof (out as Promise<unknown>).then === 'function') {
      return (out as Promise<unknown>).then((r) => {
        remapFields(r);
        return r;
      }) as never;
    }
    return out as never;
  }
}

export interface PgConnectionFields {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
}

/** Parses a postgresql:// URL into discrete fields (host may be a socket directory). */
export function connectionFields(databaseUrl: string): PgConnectionFields {
  const u = new URL(databaseUrl);
  const hostParam = u.searchParams.get('host');
  return {
    host: hostParam ?? (decodeURIComponent(u.hostname) || '127.0.0.1'),
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: decodeURIComponent(u.pathname.slice(1) || 'postgres'),
  };
}

function poolFor(fields: PgConnectionFields): pg.Pool {
  return new pg.Pool({ ...fields, Client: TextNameClient, max: 4 });
}

export function migrationAdapterFactory(
  databaseUrl: string,
): SqlMigrationAwareDriverAdapterFactory {
  const fields = connectionFields(databaseUrl);
  const main = new PrismaPg(poolFor(fields), { disposeExternalPool: true });
  return {
    provider: main.provider,
    adapterName: main.adapterName,
    connect: () => main.connect(),
    async connectToShadowDb(): Promise<SqlDriverAdapter> {
      const database = `prisma_migrate_shadow_db_${randomUUID().replaceAll('-', '')}`;
      const admin = new pg.Client(fields);
      await admin.connect();
      await admin.query(`CREATE DATABASE "${database}"`);
      await admin.end();
      const shadow = new PrismaPg(poolFor({ ...fields, database }), { disposeExternalPool: true });
      const adapter = await shadow.connect();
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        const dropper = new pg.Client(fields);
        await dropper.connect();
        try {
          await dropper.query(`DROP DATABASE IF EXISTS "${database}"`);
        } finally {
          await dropper.end();
        }
      };
      return adapter;
    },
  };
}
