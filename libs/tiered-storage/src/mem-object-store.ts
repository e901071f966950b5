/**
 * In-memory ObjectStore for unit tests, with failure injection: `failNext(op, n)` fails the
 * next n calls of an operation, `down = true` fails every call (an outage), and `calls`
 * counts calls per operation. `holdGets()` keeps every range read pending until
 * `releaseGets()` (or its abort signal), so a test sees what is in flight (`getsInFlight`,
 * `peakGetsInFlight`) and can fail a read while it is in flight (`failHeldGets`).
 */
import type { ObjectBody, ObjectInfo, ObjectStore } from './object-store.js';

export type ObjectOp = 'put' | 'get' | 'list' | 'delete';

export class MemObjectStore implements ObjectStore {
  readonly objects = new Map<string, Buffer>();
  readonly calls: Record<ObjectOp, number> = { put: 0, get: 0, list: 0, delete: 0 };
  down = false;
  /** Range reads started and not yet settled, and the most there ever were at once. */
  getsInFlight = 0;
  peakGetsInFlight = 0;
  /** [start, end) of every range read, in call order. */
  readonly ranges: Array<{ key: string; start: number; end: number }> = [];
  private readonly failures: Record<ObjectOp, number> = { put: 0, get: 0, list: 0, delete: 0 };
  private held: Array<{ settle: (err?: Error) => void }> | null = null;

  failNext(op: ObjectOp, count = 1): void {
    this.failures[op] += count;
  }

  private enter(op: ObjectOp): void {
    this.calls[op]++;
    if (this.down) throw new Error(`object store is down (${op})`);
    if (this.failures[op] > 0) {
      this.failures[op]--;
      throw new Error(`injected ${op} failure`);
    }
  }

  async put(key: string, body: ObjectBody): Promise<void> {
    this.enter('put');
    let bytes: Buffer;
    if (Buffer.isBuffer(body)) {
      bytes = Buffer.from(body);
    } else {
      const chunks: Buffer[] = [];
      for await (const c of body.stream()) chunks.push(c as Buffer);
      bytes = Buffer.concat(chunks);
      if (bytes.length !== body.size)
        throw new Error(`stream gave ${bytes.length} of ${body.size} bytes`);
    }
    this.objects.set(key, bytes);
  }

  /** From now on range reads wait for releaseGets() / failHeldGets(). */
  holdGets(): void {
    this.held ??= [];
  }

  /** Lets every held read go on (and stops holding new ones). */
  releaseGets(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const h of [...held]) h.settle();
  }

  /** Fails every read held so far, as a connection reset would; new ones are still held. */
  failHeldGets(message = 'injected failure of a read in flight'): void {
    for (const h of [...(this.held ?? [])]) h.settle(new Error(message));
  }

  async getRange(key: string, start: number, end: number, signal?: AbortSignal): Promise<Buffer> {
    this.ranges.push({ key, start, end });
    this.getsInFlight++;
    this.peakGetsInFlight = Math.max(this.peakGetsInFlight, this.getsInFlight);
    try {
      this.enter('get');
      if (this.held) await this.wait(this.held, signal);
      signal?.throwIfAborted();
      return this.slice(key, start, end);
    } finally {
      this.getsInFlight--;
    }
  }

  private wait(
    held: Array<{ settle: (err?: Error) => void }>,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => entry.settle(signal!.reason as Error);
      const entry = {
        settle: (err?: Error) => {
          signal?.removeEventListener('abort', onAbort);
          const i = held.indexOf(entry);
          if (i >= 0) held.splice(i, 1);
          if (err) reject(err);
          else resolve();
        },
      };
      held.push(entry);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private slice(key: string, start: number, end: number): Buffer {
    const o = this.objects.get(key);
    if (!o) throw Object.assign(new Error(`NoSuchKey ${key}`), { name: 'NoSuchKey' });
    if (end > o.length) throw new Error(`range [${start}, ${end}) beyond ${key} (${o.length})`);
    return Buffer.from(o.subarray(start, end));
  }

  async get(key: string): Promise<Buffer> {
    const o = this.objects.get(key);
    return this.getRange(key, 0, o?.length ?? 0);
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    this.enter('list');
    return [...this.objects]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, v]) => ({ key, size: v.length }));
  }

  async delete(keys: readonly string[]): Promise<void> {
    this.enter('delete');
    for (const k of keys) this.objects.delete(k);
  }

  close(): void {}
}
