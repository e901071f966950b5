/** Redis connections (ioredis) for rate limits and BullMQ. */
import { Redis } from 'ioredis';

export function connectRedis(url: string, forBullmq = false): Redis {
  return new Redis(url, {
    lazyConnect: false,
    // BullMQ needs blocking commands to wait forever; plain clients should fail fast.
    maxRetriesPerRequest: forBullmq ? null : 2,
    enableOfflineQueue: true,
  });
}

export async function pingRedis(redis: Redis, timeoutMs = 5_000): Promise<void> {
  await Promise.race([
    redis.ping(),
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error('Redis did not answer PING')), timeoutMs).unref(),
    ),
  ]);
}
