/**
 * Removes everything a deleted cluster left in the region's S3: every object under
 * `{prefix}clusters/{clusterId}/` (the layout of libs/tiered-storage/src/object-keys.ts, one
 * prefix per cluster). Runs after the cluster's brokers are stopped, so nothing is added
 * meanwhile: pages of up to 1000 keys are listed from the start of the prefix and deleted in
 * batched DeleteObjects calls, until a listing comes back empty — through libs/tiered-storage's
 * S3ObjectStore, the brokers' own S3 client (same checksum and paging behaviour).
 *
 * A failed attempt (S3 unreachable, access denied, a key that would not delete) throws with
 * a message for the pool's observation, and the next attempt for that cluster waits an
 * exponential back-off (1 s → 60 s) so a pool kicked every few seconds does not hammer S3.
 * The intent itself is not kept here: the control plane sends the DELETED spec until the
 * agent reports DELETED, which it does only once this returns.
 */
import { S3ObjectStore, clusterPrefix } from '@tributary/tiered-storage';
import { backoffDelay, type BackoffOptions } from '../backoff.js';
import type { Logger } from '../log.js';
import type { S3Settings } from './s3-settings.js';

export interface ClusterDataEraserOptions {
  s3: S3Settings;
  log: Logger;
  /** Keys per list + delete round (S3's maximum and default: 1000). */
  pageSize?: number;
  /** Wait between failed attempts for one cluster. */
  retry?: BackoffOptions;
  /** Per-request socket timeout. */
  requestTimeoutMs?: number;
}

export class ClusterDataEraseError extends Error {
  override name = 'ClusterDataEraseError';
}

interface Failure {
  attempts: number;
  nextAt: number;
  message: string;
}

export class ClusterDataEraser {
  private readonly store: S3ObjectStore;
  private readonly failures = new Map<string, Failure>();
  private readonly pageSize: number;
  private readonly retry: BackoffOptions;

  constructor(private readonly o: ClusterDataEraserOptions) {
    this.pageSize = o.pageSize ?? 1000;
    this.retry = o.retry ?? { initialMs: 1000, maxMs: 60_000 };
    this.store = new S3ObjectStore({
      endpoint: o.s3.endpoint ?? undefined,
      region: o.s3.region,
      bucket: o.s3.bucket,
      forcePathStyle: o.s3.pathStyle,
      credentials: o.s3.credentials ?? undefined,
      maxAttempts: 2,
      requestTimeoutMs: o.requestTimeoutMs ?? 15_000,
      listPageSize: this.pageSize,
    });
  }

  /** `s3://bucket/{prefix}clusters/{clusterId}/`, for messages. */
  location(clusterId: string): string {
    return `s3://${this.o.s3.bucket}/${clusterPrefix(this.o.s3.prefix, clusterId)}`;
  }

  /**
   * Deletes every object of the cluster; resolves with how many were deleted once the prefix
   * lists empty. While a back-off runs after a failure, throws the last failure at once.
   */
  async erase(clusterId: string): Promise<number> {
    const failed = this.failures.get(clusterId);
    const now = Date.now();
    if (failed && now < failed.nextAt)
      throw new ClusterDataEraseError(
        `${failed.message} (attempt ${failed.attempts + 1} in ${failed.nextAt - now} ms)`,
      );
    try {
      const deleted = await this.eraseNow(clusterPrefix(this.o.s3.prefix, clusterId));
      this.failures.delete(clusterId);
      if (deleted > 0 || failed)
        this.o.log.info(
          `pool ${clusterId}: ${deleted} object(s) deleted, ${this.location(clusterId)} is empty`,
        );
      return deleted;
    } catch (err) {
      const attempts = (failed?.attempts ?? 0) + 1;
      const message = `S3 data of the cluster not deleted yet (${this.location(clusterId)}): ${describeError(err)}`;
      this.failures.set(clusterId, {
        attempts,
        nextAt: Date.now() + backoffDelay(attempts - 1, this.retry),
        message,
      });
      throw new ClusterDataEraseError(message);
    }
  }

  private async eraseNow(prefix: string): Promise<number> {
    let deleted = 0;
    for (;;) {
      const keys = (await this.store.list(prefix)).map((o) => o.key);
      if (keys.length === 0) return deleted;
      await this.store.delete(keys);
      deleted += keys.length;
    }
  }

  close(): void {
    this.store.close();
  }
}

function describeError(err: unknown): string {
  const e = err as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const what = e.code ?? e.name;
  return `${what && !e.message?.includes(what) ? `${what}: ` : ''}${e.message || String(err)}${status ? ` (HTTP ${status})` : ''}`;
}
