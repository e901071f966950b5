/**
 * Prisma's error codes mapped to named errors in one place, so use cases say "conflict" or
 * "not found" and never look at P-codes.
 */
import { Prisma } from './generated/prisma/client.js';

export class DbConflictError extends Error {
  override name = 'DbConflictError';
  constructor(
    readonly fields: string[],
    cause: unknown,
  ) {
    super(`unique constraint violated on ${fields.join(', ') || 'a unique key'}`, { cause });
  }
}

export class DbNotFoundError extends Error {
  override name = 'DbNotFoundError';
  constructor(cause: unknown) {
    super('record not found', { cause });
  }
}

/** Optimistic concurrency: a conditional update matched no row. */
export class DbStaleError extends Error {
  override name = 'DbStaleError';
}

interface AdapterErrorMeta {
  target?: unknown;
  modelName?: string;
  driverAdapterError?: { cause?: { constraint?: { fields?: string[]; index?: string } } };
}

/** The unique key's fields: from Prisma's meta, or from the index name `<Model>_<f1>_<f2>_key`. */
function conflictFields(e: Prisma.PrismaClientKnownRequestError): string[] {
  const meta = (e.meta ?? {}) as AdapterErrorMeta;
  if (Array.isArray(meta.target)) return meta.target.map(String);
  const constraint = meta.driverAdapterError?.cause?.constraint;
  if (constraint?.fields) return constraint.fields;
  const index = constraint?.index;
  if (index && meta.modelName && index.startsWith(`${meta.modelName}_`) && index.endsWith('_key')) {
    return index.slice(meta.modelName.length + 1, -'_key'.length).split('_');
  }
  return [];
}

/** Re-throws a Prisma error as a named one; other errors pass through unchanged. */
export function mapDbError(e: unknown): never {
  if (e instanceof Prisma.PrismaClientKnownRequestError) {
    if (e.code === 'P2002') throw new DbConflictError(conflictFields(e), e);
    if (e.code === 'P2025') throw new DbNotFoundError(e);
  }
  throw e;
}

/** Runs `fn`, mapping Prisma errors (see mapDbError). */
export async function dbCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    mapDbError(e);
  }
}
