/**
 * Durable state of the group coordinator: committed offsets and a small record per group
 * (protocol type, generation, whether it was empty and since when). Membership is not stored:
 * after a restart every group is Empty and its members rejoin, as with Kafka.
 *
 * File: meta/groups/offsets.log, a sequence of frames
 *     u32 length | u32 CRC-32C of payload | payload (UTF-8 JSON array of StoreRecord)
 * One frame holds the records of one request (an OffsetCommit of many partitions is atomic).
 *
 * Writes: append() encodes a frame and queues it; one writer loop writes everything queued in
 * one write, fdatasyncs once, then applies the records to the in-memory view and resolves the
 * callers (group commit: concurrent commits share an fsync). A commit is acknowledged only
 * after its fsync, so it survives kill -9. Readers see only durable state.
 *
 * Recovery: frames are read until the first one that is short, too large, fails its CRC or
 * does not parse; that torn tail (a crash mid-append) is truncated away.
 *
 * Compaction: when the file holds more than `compactMinRecords` records and over twice the
 * live ones (or, for large group records, more than `compactMinBytes` and four times its size
 * after the last compaction), the writer loop (between batches, so nothing interleaves)
 * writes the live state to offsets.log.compact, fsyncs it, renames it over offsets.log and
 * fsyncs the directory. A compaction that fails before the rename is retried later.
 * A failed write or fsync fails its batch and forces the same rewrite before the next batch,
 * so the file never keeps records the callers were told had failed (unless we crash first).
 */
import { join } from 'node:path';
import { crc32c } from '@tributary/kafka-protocol';
import type { Logger } from '../logger.js';
import { nodeStoreFs, type StoreFile, type StoreFs } from './store-fs.js';

export interface CommittedOffset {
  offset: number;
  /** -1 when the client did not send one. */
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  /** Absolute expiry from OffsetCommit v2-4 retention_time_ms, or -1 (expiry by group state). */
  expireTimestamp: number;
}

/** A member of a Stable generation, enough to resume it after a restart (base64 buffers). */
export interface StoredMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  /** Metadata of the generation's protocol only. */
  metadata: string;
  assignment: string;
}

export interface GroupRecord {
  protocolType: string | null;
  generationId: number;
  /** Whether the group was Empty when this was written, and when it entered that state. */
  empty: boolean;
  stateTimestamp: number;
  /** Written when a generation becomes Stable: its protocol, leader and members. */
  protocolName?: string | null;
  leaderId?: string | null;
  members?: StoredMember[];
}

export type StoreRecord =
  | { type: 'offset'; group: string; topic: string; partition: number; value: CommittedOffset }
  | { type: 'offset-delete'; group: string; topic: string; partition: number }
  | { type: 'group'; group: string; value: GroupRecord }
  | { type: 'group-delete'; group: string };

export type PartitionOffsets = ReadonlyMap<string, ReadonlyMap<number, CommittedOffset>>;

export interface OffsetStoreOptions {
  fs?: StoreFs;
  log?: Logger;
  /** Compaction is considered once the file holds this many records (mostly overwritten)... */
  compactMinRecords?: number;
  /** ...or this many bytes and four times its size after the last compaction (large group records). */
  compactMinBytes?: number;
}

const FILE = 'offsets.log';
const HEADER = 8;
const MAX_FRAME = 64 * 1024 * 1024;
const SNAPSHOT_FRAME_RECORDS = 1000;

interface Pending {
  records: StoreRecord[];
  frame: Buffer;
  resolve: () => void;
  reject: (err: Error) => void;
}

export function encodeFrame(records: StoreRecord[]): Buffer {
  const payload = Buffer.from(JSON.stringify(records), 'utf8');
  const header = Buffer.allocUnsafe(HEADER);
  header.writeUInt32BE(payload.length, 0);
  header.writeUInt32BE(crc32c(payload), 4);
  return Buffer.concat([header, payload]);
}

/** Decodes frames from the start of `data`; `end` is where the last intact frame ends. */
export function decodeFrames(data: Buffer): { frames: StoreRecord[][]; end: number } {
  const frames: StoreRecord[][] = [];
  let pos = 0;
  while (pos + HEADER <= data.length) {
    const len = data.readUInt32BE(pos);
    if (len > MAX_FRAME || pos + HEADER + len > data.length) break;
    const payload = data.subarray(pos + HEADER, pos + HEADER + len);
    if (crc32c(payload) !== data.readUInt32BE(pos + 4)) break;
    let records: unknown;
    try {
      records = JSON.parse(payload.toString('utf8'));
    } catch {
      break;
    }
    if (!Array.isArray(records)) break;
    frames.push(records as StoreRecord[]);
    pos += HEADER + len;
  }
  return { frames, end: pos };
}

export class OffsetStore {
  private readonly offsetsByGroup = new Map<string, Map<string, Map<number, CommittedOffset>>>();
  private readonly groupRecords = new Map<string, GroupRecord>();
  /** Partitions with a commit written but not yet durable: "group\0topic\0partition" -> count. */
  private readonly inFlight = new Map<string, number>();
  private queue: Pending[] = [];
  private loop: Promise<void> = Promise.resolve();
  private running = false;
  private closed = false;
  private closing: Promise<void> | null = null;
  private needsRewrite = false;
  private fileRecords = 0;
  private fileBytes = 0;
  /** Size of the file right after the last compaction: the live state then. */
  private compactedBytes = 0;

  private constructor(
    private readonly dir: string,
    private readonly fs: StoreFs,
    private file: StoreFile,
    private readonly log: Logger | undefined,
    private readonly compactMinRecords: number,
    private readonly compactMinBytes: number,
  ) {}

  static async open(dir: string, options: OffsetStoreOptions = {}): Promise<OffsetStore> {
    const fs = options.fs ?? nodeStoreFs;
    const path = join(dir, FILE);
    await fs.mkdir(dir);
    await fs.remove(`${path}.compact`);
    const data = (await fs.readFile(path)) ?? Buffer.alloc(0);
    const { frames, end } = decodeFrames(data);
    if (end < data.length) {
      options.log?.warn(
        `group store ${path}: dropping ${data.length - end} bytes of torn or corrupt tail`,
      );
      await fs.truncate(path, end);
    }
    const file = await fs.open(path, 'a');
    const store = new OffsetStore(
      dir,
      fs,
      file,
      options.log,
      options.compactMinRecords ?? 100_000,
      options.compactMinBytes ?? 64 * 1024 * 1024,
    );
    for (const records of frames) {
      for (const r of records) store.apply(r);
      store.fileRecords += records.length;
    }
    store.fileBytes = end;
    return store;
  }

  /** Group ids with a group record or committed offsets. */
  groupIds(): string[] {
    return [...new Set([...this.groupRecords.keys(), ...this.offsetsByGroup.keys()])];
  }

  groupRecord(group: string): GroupRecord | undefined {
    return this.groupRecords.get(group);
  }

  /** Durable committed offsets of a group by topic and partition. */
  offsets(group: string): PartitionOffsets {
    return this.offsetsByGroup.get(group) ?? new Map();
  }

  offset(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.offsetsByGroup.get(group)?.get(topic)?.get(partition);
  }

  hasOffsets(group: string): boolean {
    return (this.offsetsByGroup.get(group)?.size ?? 0) > 0;
  }

  /** Whether a commit to this partition is written but not yet acknowledged (require_stable). */
  hasPendingCommit(group: string, topic: string, partition: number): boolean {
    return this.inFlight.has(`${group}\0${topic}\0${partition}`);
  }

  /** Resolves once the records are durable and visible; rejects if they could not be written. */
  append(records: StoreRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('group store is closed'));
    if (records.length === 0) return Promise.resolve();
    const frame = encodeFrame(records);
    this.trackInFlight(records, 1);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ records, frame, resolve, reject });
      // `running` is cleared synchronously when the loop finds the queue empty, so an append
      // made by a caller resuming from the previous batch never lands in a loop that has ended.
      if (!this.running) {
        this.running = true;
        this.loop = this.runLoop();
      }
    });
  }

  /** Waits for queued writes, then closes the file (once; later calls wait for the same). */
  close(): Promise<void> {
    if (!this.closing) {
      this.closed = true;
      this.closing = this.loop.then(() => this.file.close());
    }
    return this.closing;
  }

  private trackInFlight(records: StoreRecord[], delta: number): void {
    for (const r of records) {
      if (r.type !== 'offset') continue;
      const key = `${r.group}\0${r.topic}\0${r.partition}`;
      const n = (this.inFlight.get(key) ?? 0) + delta;
      if (n > 0) this.inFlight.set(key, n);
      else this.inFlight.delete(key);
    }
  }

  private async runLoop(): Promise<void> {
    for (;;) {
      if (this.queue.length === 0) {
        this.running = false; // synchronously with the emptiness check: see append()
        return;
      }
      const batch = this.queue;
      this.queue = [];
      try {
        if (this.needsRewrite) await this.rewrite();
        else if (this.compactionDue()) await this.compact();
        await this.file.write(
          batch.length === 1 ? batch[0].frame : Buffer.concat(batch.map((p) => p.frame)),
        );
        await this.file.datasync();
      } catch (err) {
        this.needsRewrite = true;
        this.log?.error(`group store write failed: ${(err as Error).message}`);
        for (const p of batch) {
          this.trackInFlight(p.records, -1);
          p.reject(err as Error);
        }
        continue;
      }
      for (const p of batch) {
        this.trackInFlight(p.records, -1);
        for (const r of p.records) this.apply(r);
        this.fileRecords += p.records.length;
        this.fileBytes += p.frame.length;
        p.resolve();
      }
    }
  }

  private liveRecords(): number {
    let n = this.groupRecords.size;
    for (const topics of this.offsetsByGroup.values())
      for (const parts of topics.values()) n += parts.size;
    return n;
  }

  private compactionDue(): boolean {
    const byRecords =
      this.fileRecords >= this.compactMinRecords && this.fileRecords > 2 * this.liveRecords();
    const byBytes =
      this.fileBytes >= this.compactMinBytes && this.fileBytes > 4 * this.compactedBytes;
    return byRecords || byBytes;
  }

  /** Optional compaction: if it fails before the swap, appends go on to the current file. */
  private async compact(): Promise<void> {
    try {
      await this.rewrite();
    } catch (err) {
      if (this.needsRewrite) throw err; // failed after the swap: the current file is no more
      this.log?.warn(`group store compaction failed, will retry: ${(err as Error).message}`);
      await this.fs.remove(join(this.dir, `${FILE}.compact`)).catch(() => undefined);
    }
  }

  /** Replaces the file with one holding exactly the live state (tmp file, fsync, rename). */
  private async rewrite(): Promise<void> {
    const path = join(this.dir, FILE);
    const tmp = `${path}.compact`;
    const live = this.snapshot();
    let bytes = 0;
    const out = await this.fs.open(tmp, 'w');
    try {
      for (let i = 0; i < live.length; i += SNAPSHOT_FRAME_RECORDS) {
        const frame = encodeFrame(live.slice(i, i + SNAPSHOT_FRAME_RECORDS));
        await out.write(frame);
        bytes += frame.length;
      }
      await out.datasync();
    } finally {
      await out.close();
    }
    // From the rename on, the open handle points at the replaced file: any failure until the
    // new handle is open must force another rewrite before the next append.
    this.needsRewrite = true;
    await this.fs.rename(tmp, path);
    await this.fs.syncDir(this.dir);
    const previous = this.file;
    this.file = await this.fs.open(path, 'a');
    await previous.close().catch(() => undefined);
    this.log?.debug(`group store compacted ${this.fileRecords} records to ${live.length}`);
    this.fileRecords = live.length;
    this.fileBytes = bytes;
    this.compactedBytes = bytes;
    this.needsRewrite = false;
  }

  private snapshot(): StoreRecord[] {
    const out: StoreRecord[] = [];
    for (const [group, value] of this.groupRecords) out.push({ type: 'group', group, value });
    for (const [group, topics] of this.offsetsByGroup) {
      for (const [topic, parts] of topics) {
        for (const [partition, value] of parts)
          out.push({ type: 'offset', group, topic, partition, value });
      }
    }
    return out;
  }

  private apply(r: StoreRecord): void {
    switch (r.type) {
      case 'offset': {
        let topics = this.offsetsByGroup.get(r.group);
        if (!topics) this.offsetsByGroup.set(r.group, (topics = new Map()));
        let parts = topics.get(r.topic);
        if (!parts) topics.set(r.topic, (parts = new Map()));
        parts.set(r.partition, r.value);
        break;
      }
      case 'offset-delete': {
        const topics = this.offsetsByGroup.get(r.group);
        const parts = topics?.get(r.topic);
        if (!topics || !parts) break;
        parts.delete(r.partition);
        if (parts.size === 0) topics.delete(r.topic);
        if (topics.size === 0) this.offsetsByGroup.delete(r.group);
        break;
      }
      case 'group':
        this.groupRecords.set(r.group, r.value);
        break;
      case 'group-delete':
        this.groupRecords.delete(r.group);
        this.offsetsByGroup.delete(r.group);
        break;
      default:
        this.log?.warn(
          `group store: skipping record of unknown type ${(r as { type: unknown }).type}`,
        );
    }
  }
}
