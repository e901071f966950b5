/**
 * Bounded read-ahead cache of remote object bytes. Objects are read in fixed-size chunks
 * (ranges aligned to `chunkSize`), kept in an LRU.
 *
 * Memory: every chunk counts its full size from the moment its GET is sent, so held plus
 * in-flight bytes never pass `maxBytes`. A demanded chunk that finds no room even after
 * evicting every fetched chunk (the cache is all in flight) is read past the cache, for that
 * read only.
 *
 * Read-ahead: a read with `readAhead` makes the object a stream whose window is the
 * `readAhead` chunks after the last one read. The cache keeps up to MAX_READ_AHEAD_GETS GETs
 * in flight to fill the window, and sends the next one as soon as one lands, so a consumer
 * reading forward finds its next bytes fetched. Near the reader a GET asks for one chunk (the
 * consumer waits for it); further ahead contiguous missing chunks go in one ranged GET of up
 * to `readAhead / MAX_READ_AHEAD_GETS` chunks (fewer, larger requests: the SDK, S3 and
 * s3rver spend per request). The chunks of one GET are views of its one buffer, so they are
 * accounted and evicted together (no copy, and evicting frees what it counts). Read-ahead
 * only uses free room and GETs whose chunks were all read already or nobody read for
 * STALE_MS: it never pushes out read-ahead still waiting for its reader. Concurrent reads of
 * one chunk share one request.
 *
 * Errors: a failed GET is not cached; a read waiting for it rejects (the broker answers
 * KAFKA_STORAGE_ERROR, which clients retry); a failed read-ahead GET is not retried until the
 * next read. evict(prefix) aborts read-ahead GETs of deleted objects; close() aborts all.
 */
import type { ObjectStore } from './object-store.js';

export interface ChunkCacheOptions {
  chunkSize: number;
  /** Cap on fetched plus in-flight bytes. */
  maxBytes: number;
  /** Read-ahead window in chunks (0 = none). */
  readAhead: number;
}

/** Read-ahead GETs in flight per stream (object being read forward). */
export const MAX_READ_AHEAD_GETS = 4;
/** Read-ahead nobody read for this long may be evicted by other read-ahead. */
export const STALE_MS = 10_000;
/** Streams remembered (objects read forward recently). */
const MAX_STREAMS = 1024;

interface Chunk {
  id: string;
  /** Set once fetched: a view of the GET's buffer. */
  bytes: Buffer | null;
  loading: Promise<Buffer>;
  /** Read at least once (not only read ahead). */
  read: boolean;
  get: Get;
}

/** One ranged GET: its chunks live and go together. */
interface Get {
  key: string;
  size: number;
  controller: AbortController;
  chunks: Chunk[];
  fetchedAt: number;
  /** Still counted in the cache's bytes. */
  live: boolean;
}

interface Stream {
  key: string;
  objectSize: number;
  /** First chunk after the last one read. */
  next: number;
  /** Last chunk of the window (inclusive). */
  windowEnd: number;
  inFlight: number;
}

export class ChunkCache {
  private readonly entries = new Map<string, Chunk>();
  private readonly streams = new Map<string, Stream>();
  private bytes = 0;
  private closed = false;
  hits = 0;
  misses = 0;
  /** Chunks read past the cache because it was full of in-flight reads. */
  uncached = 0;
  /** Most bytes ever held or in flight (tests check the cap with it). */
  peakBytes = 0;

  constructor(
    private readonly store: ObjectStore,
    readonly options: ChunkCacheOptions,
    private readonly now: () => number = Date.now,
  ) {
    if (!(options.chunkSize > 0)) throw new RangeError('chunkSize must be positive');
    if (!(options.maxBytes >= options.chunkSize)) {
      throw new RangeError('maxBytes must be at least chunkSize');
    }
  }

  /** Bytes held or being fetched. */
  get usedBytes(): number {
    return this.bytes;
  }

  /** Bytes a forward reader has fetched ahead of it at most. */
  get readAheadBytes(): number {
    return this.options.readAhead * this.options.chunkSize;
  }

  /** Read-ahead GETs in flight over all streams. */
  get readAheadInFlight(): number {
    let n = 0;
    for (const s of this.streams.values()) n += s.inFlight;
    return n;
  }

  /** Bytes [start, end) of an object of `objectSize` bytes, in one buffer. */
  async read(
    key: string,
    objectSize: number,
    start: number,
    end: number,
    readAhead = false,
  ): Promise<Buffer> {
    const pieces = await this.readPieces(key, objectSize, start, end, readAhead);
    return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
  }

  /**
   * Bytes [start, end) as views of the cached chunks, in order (no copy). With `readAhead`
   * the object's read-ahead window moves to the chunks after `end`.
   */
  async readPieces(
    key: string,
    objectSize: number,
    start: number,
    end: number,
    readAhead = false,
  ): Promise<Buffer[]> {
    end = Math.min(end, objectSize);
    if (end <= start) return [];
    const { chunkSize } = this.options;
    const first = Math.floor(start / chunkSize);
    const last = Math.floor((end - 1) / chunkSize);
    const parts: Array<Promise<Buffer>> = [];
    for (let i = first; i <= last; i++) parts.push(this.demand(key, objectSize, i));
    if (readAhead) this.follow(key, objectSize, last + 1, last + this.options.readAhead);
    const chunks = await Promise.all(parts);
    return chunks.map((c, n) => {
      const base = (first + n) * chunkSize;
      return c.subarray(Math.max(start - base, 0), Math.min(end - base, c.length));
    });
  }

  /**
   * A hint that [start, end) of the object will be read forward soon (the next segment of a
   * consumer near the end of this one): fetched as read-ahead, within the same limits.
   */
  prefetch(key: string, objectSize: number, start: number, end: number): void {
    end = Math.min(end, objectSize);
    if (end <= start || this.options.readAhead === 0) return;
    const first = Math.floor(start / this.options.chunkSize);
    const last = Math.floor((end - 1) / this.options.chunkSize);
    const s = this.streams.get(key);
    if (s && s.next <= first && s.windowEnd >= last) return;
    this.follow(key, objectSize, s ? Math.min(s.next, first) : first, last);
  }

  /** Drops every chunk of the objects whose key starts with `prefix` (deleted objects). */
  evict(prefix: string): void {
    for (const e of [...this.entries.values()]) if (e.get.key.startsWith(prefix)) this.drop(e.get);
    for (const k of [...this.streams.keys()]) if (k.startsWith(prefix)) this.streams.delete(k);
  }

  /** Aborts every GET and drops everything; later reads fail. */
  close(): void {
    this.closed = true;
    for (const e of [...this.entries.values()]) this.drop(e.get);
    this.streams.clear();
  }

  private chunkBytes(objectSize: number, index: number): number {
    const start = index * this.options.chunkSize;
    return Math.max(0, Math.min(start + this.options.chunkSize, objectSize) - start);
  }

  private demand(key: string, objectSize: number, index: number): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('chunk cache closed'));
    const e = this.entries.get(`${key}#${index}`);
    if (e) {
      this.hits++;
      e.read = true;
      this.entries.delete(e.id);
      this.entries.set(e.id, e); // most recently used
      return e.bytes ? Promise.resolve(e.bytes) : e.loading;
    }
    this.misses++;
    if (!this.makeRoom(this.chunkBytes(objectSize, index), false)) {
      this.uncached++;
      const start = index * this.options.chunkSize;
      return this.store.getRange(key, start, start + this.chunkBytes(objectSize, index));
    }
    const chunk = this.fetch(key, objectSize, index, 1, null)[0];
    chunk.read = true;
    return chunk.loading;
  }

  /** Moves the object's read-ahead window to chunks [next, windowEnd] and fills it. */
  private follow(key: string, objectSize: number, next: number, windowEnd: number): void {
    if (this.options.readAhead === 0 || this.closed) return;
    let s = this.streams.get(key);
    if (s) {
      this.streams.delete(key); // most recently used
    } else {
      s = { key, objectSize, next, windowEnd, inFlight: 0 };
      if (this.streams.size >= MAX_STREAMS) {
        this.streams.delete(this.streams.keys().next().value!);
      }
    }
    this.streams.set(key, s);
    const lastChunk = Math.ceil(objectSize / this.options.chunkSize) - 1;
    s.next = next;
    s.windowEnd = Math.min(windowEnd, lastChunk);
    this.pump(s);
  }

  /** Sends read-ahead GETs for missing chunks of the stream's window, within the limits. */
  private pump(s: Stream): void {
    const { readAhead, chunkSize } = this.options;
    const group = Math.max(1, Math.ceil(readAhead / MAX_READ_AHEAD_GETS));
    const lastChunk = Math.ceil(s.objectSize / chunkSize) - 1;
    let i = s.next;
    while (s.inFlight < MAX_READ_AHEAD_GETS && i <= s.windowEnd) {
      if (this.entries.has(`${s.key}#${i}`)) {
        i++;
        continue;
      }
      const distance = i - s.next;
      // Near the reader one chunk at a time (it waits for it); further ahead up to `group`.
      const want = Math.min(group, Math.max(1, distance));
      let n = 1;
      while (n < want && i + n <= s.windowEnd && !this.entries.has(`${s.key}#${i + n}`)) n++;
      // Rather than many small GETs at the far end of the window, wait for a full group.
      const cutByWindow = i + n > s.windowEnd;
      if (n < want && cutByWindow && s.windowEnd < lastChunk && distance >= group) return;
      let bytes = 0;
      for (let j = i; j < i + n; j++) bytes += this.chunkBytes(s.objectSize, j);
      if (!this.makeRoom(bytes, true)) return;
      this.fetch(s.key, s.objectSize, i, n, s);
      i += n;
    }
  }

  /** Starts one ranged GET for chunks [first, first + count) and caches them as they land. */
  private fetch(
    key: string,
    objectSize: number,
    first: number,
    count: number,
    stream: Stream | null,
  ): Chunk[] {
    const { chunkSize } = this.options;
    const start = first * chunkSize;
    const end = Math.min(start + count * chunkSize, objectSize);
    const get: Get = {
      key,
      size: end - start,
      controller: new AbortController(),
      chunks: [],
      fetchedAt: 0,
      live: true,
    };
    const whole = this.store.getRange(key, start, end, get.controller.signal);
    this.bytes += get.size;
    this.peakBytes = Math.max(this.peakBytes, this.bytes);
    if (stream) stream.inFlight++;
    for (let n = 0; n < count; n++) {
      const at = n * chunkSize;
      const chunk: Chunk = {
        id: `${key}#${first + n}`,
        bytes: null,
        read: false,
        get,
        loading: count === 1 ? whole : whole.then((b) => b.subarray(at, at + chunkSize)),
      };
      get.chunks.push(chunk);
      this.entries.set(chunk.id, chunk);
    }
    void whole.then(
      (b) => {
        get.fetchedAt = this.now();
        if (!get.live) return;
        for (let n = 0; n < count; n++) {
          get.chunks[n].bytes = b.subarray(n * chunkSize, (n + 1) * chunkSize);
        }
      },
      () => this.drop(get),
    );
    for (const c of get.chunks) c.loading.catch(() => {}); // a reader, if any, sees the error
    if (stream) {
      const settled = (ok: boolean) => {
        stream.inFlight--;
        // After a failure the next read retries; pumping now would spin while S3 is down.
        if (ok && this.streams.get(stream.key) === stream) this.pump(stream);
      };
      // Registered after the handler above, so the chunks are in place when it runs.
      void whole.then(
        () => settled(true),
        () => settled(false),
      );
    }
    return get.chunks;
  }

  /**
   * Evicts fetched GETs, least recently used first, until `size` more bytes fit: first those
   * whose chunks were all read already (or are stale), then — for a read, not for
   * read-ahead — read-ahead still waiting for its reader.
   */
  private makeRoom(size: number, forReadAhead: boolean): boolean {
    const fits = () => this.bytes + size <= this.options.maxBytes;
    if (fits()) return true;
    const staleBefore = this.now() - STALE_MS;
    const done = (g: Get) => g.fetchedAt > 0 && g.chunks.every((c) => c.bytes);
    for (const e of this.entries.values()) {
      if (fits()) return true;
      const g = e.get;
      if (done(g) && (g.fetchedAt <= staleBefore || g.chunks.every((c) => c.read))) this.drop(g);
    }
    if (forReadAhead) return fits();
    for (const e of this.entries.values()) {
      if (fits()) return true;
      if (done(e.get)) this.drop(e.get);
    }
    return fits();
  }

  /** Forgets a GET's chunks and its bytes; aborts it if it is still in flight. */
  private drop(get: Get): void {
    if (!get.live) return;
    get.live = false;
    this.bytes -= get.size;
    for (const c of get.chunks) if (this.entries.get(c.id) === c) this.entries.delete(c.id);
    if (get.fetchedAt === 0) get.controller.abort(new Error('read-ahead no longer wanted'));
  }
}
