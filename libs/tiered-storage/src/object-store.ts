/**
 * The only object-storage surface tiered storage uses. Implementations: `S3ObjectStore` (any
 * S3 HTTP API through @aws-sdk/client-s3) and `MemObjectStore` (in memory, can fail on demand).
 */
import type { Readable } from 'node:stream';

/** A body held in memory, or streamed (e.g. from a segment file) with a known length. */
export type ObjectBody = Buffer | { size: number; stream: () => Readable };

export interface ObjectInfo {
  key: string;
  size: number;
}

export interface ObjectStore {
  /** Creates or replaces the object. */
  put(key: string, body: ObjectBody): Promise<void>;
  /**
   * Bytes [start, end) of the object (end may not pass its size). An aborted `signal` ends the
   * request and rejects (read-ahead of data nobody will read any more).
   */
  getRange(key: string, start: number, end: number, signal?: AbortSignal): Promise<Buffer>;
  /** The whole object. */
  get(key: string): Promise<Buffer>;
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Deletes the objects; missing ones are not an error. */
  delete(keys: readonly string[]): Promise<void>;
  /** Releases connections. */
  close(): void;
}

export function bodySize(body: ObjectBody): number {
  return Buffer.isBuffer(body) ? body.length : body.size;
}
