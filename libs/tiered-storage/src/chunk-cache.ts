/**
 * Bounded read-ahead cache of remote object bytes. Objects are read in fixed-size chunks
 * (range GETs aligned to `chunkSize`), kept in an LRU capped at `maxBytes` in total, and a
 * read of chunk i starts fetching chunks i+1 .. i+readAhead in the background, so a consumer
 * catching up sequentially finds the next bytes already fetched. Concurrent reads of one
 * chunk share one request; a failed fetch is not cached.
 */
import type { ObjectStore } from './object-store.js';

export interface ChunkCacheOptions {
  chunkSize: number;
  maxBytes: number;
  readAhead: number;
}

interface Entry {
  bytes: Promise<Buffer>;
  size: number;
}

export class ChunkCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(
    private readonly store: ObjectStore,
    readonly options: ChunkCacheOptions,
  ) {
    if (!(options.chunkSize > 0)) throw new RangeError('chunkSize must be positive');
  }

  /** Bytes held (fetched chunks only). */
  get usedBytes(): number {
    return this.bytes;
  }

  /** Bytes [start, end) of an object of `objectSize` bytes. */
  async read(key: string, objectSize: number, start: number, end: number): Promise<Buffer> {
    end = Math.min(end, objectSize);
    if (end <= start) return Buffer.alloc(0);
    const { chunkSize, readAhead } = this.options;
    const first = Math.floor(start / chunkSize);
    const last = Math.floor((end - 1) / chunkSize);
    const lastChunk = Math.floor((objectSize - 1) / chunkSize);
    const parts: Array<Promise<Buffer>> = [];
    for (let i = first; i <= last; i++) parts.push(this.chunk(key, objectSize, i, true));
    for (let i = last + 1; i <= Math.min(last + readAhead, lastChunk); i++) {
      this.chunk(key, objectSize, i, false).catch(() => {});
    }
    const chunks = await Promise.all(parts);
    const whole = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    const from = start - first * chunkSize;
    return whole.subarray(from, from + (end - start));
  }

  /** Drops every chunk of the objects whose key starts with `prefix` (deleted objects). */
  evict(prefix: string): void {
    for (const [k, e] of this.entries) {
      if (k.startsWith(prefix)) {
        this.entries.delete(k);
        this.bytes -= e.size;
      }
    }
  }

  private chunk(
    key: string,
    objectSize: number,
    index: number,
    demanded: boolean,
  ): Promise<Buffer> {
    const id = `${key}#${index}`;
    const cached = this.entries.get(id);
    if (cached) {
      if (demanded) this.hits++;
      this.entries.delete(id);
      this.entries.set(id, cached); // most recently used
      return cached.bytes;
    }
    if (demanded) this.misses++;
    const start = index * this.options.chunkSize;
    const end = Math.min(start + this.options.chunkSize, objectSize);
    const entry: Entry = { bytes: this.store.getRange(key, start, end), size: 0 };
    this.entries.set(id, entry);
    entry.bytes.then(
      (b) => {
        if (this.entries.get(id) !== entry) return;
        entry.size = b.length;
        this.bytes += b.length;
        this.trim();
      },
      () => {
        if (this.entries.get(id) === entry) this.entries.delete(id);
      },
    );
    return entry.bytes;
  }

  private trim(): void {
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.options.maxBytes) break;
      if (e.size === 0) continue; // still in flight
      this.entries.delete(k);
      this.bytes -= e.size;
    }
  }
}
