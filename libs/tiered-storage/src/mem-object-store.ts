/**
 * In-memory ObjectStore for unit tests, with failure injection: `failNext(op, n)` fails the
 * next n calls of an operation, `down = true` fails every call (an outage), and `calls`
 * counts calls per operation.
 */
import type { ObjectBody, ObjectInfo, ObjectStore } from './object-store.js';

export type ObjectOp = 'put' | 'get' | 'list' | 'delete';

export class MemObjectStore implements ObjectStore {
  readonly objects = new Map<string, Buffer>();
  readonly calls: Record<ObjectOp, number> = { put: 0, get: 0, list: 0, delete: 0 };
  down = false;
  private readonly failures: Record<ObjectOp, number> = { put: 0, get: 0, list: 0, delete: 0 };

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

  async getRange(key: string, start: number, end: number): Promise<Buffer> {
    this.enter('get');
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
