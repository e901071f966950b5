/**
 * Salted slow hash of an API key secret for SASL/PLAIN (scrypt, per-key salt). Parameters are
 * stored with each hash so they can be raised later without invalidating existing keys.
 * scrypt runs on libuv's thread pool, which fsync shares: at most MAX_CONCURRENT hashes run at
 * once so a reconnect storm cannot starve the log's durability work.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface SecretHash {
  algorithm: 'scrypt';
  /** CPU/memory cost, block size, parallelism. */
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

const DEFAULT_PARAMS = { N: 16384, r: 8, p: 1 } as const;
const HASH_BYTES = 32;
const MAX_CONCURRENT = 2;

let running = 0;
const waiting: Array<() => void> = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function scryptAsync(secret: string, salt: Buffer, params: ScryptOptions): Promise<Buffer> {
  return limited(
    () =>
      new Promise((resolve, reject) =>
        scrypt(Buffer.from(secret, 'utf8'), salt, HASH_BYTES, params, (err, key) =>
          err ? reject(err) : resolve(key),
        ),
      ),
  );
}

export async function hashSecret(secret: string): Promise<SecretHash> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(secret, salt, DEFAULT_PARAMS);
  return { algorithm: 'scrypt', ...DEFAULT_PARAMS, salt, hash };
}

export async function verifySecret(stored: SecretHash, secret: string): Promise<boolean> {
  const { N, r, p } = stored;
  const candidate = await scryptAsync(secret, stored.salt, {
    N,
    r,
    p,
    maxmem: 256 * N * r + (1 << 20),
  });
  return candidate.length === stored.hash.length && timingSafeEqual(candidate, stored.hash);
}
