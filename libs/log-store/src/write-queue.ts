/**
 * Ordered writer of one partition log. append() enqueues byte ranges synchronously; the queue
 * writes them to their segment files strictly in assignment order. Everything enqueued for the
 * same segment while a write is running (or in the same tick) is coalesced into one writev.
 * A failed write fails its group and every later one: the log behind it must not get holes.
 */
import type { Segment } from './segment.js';

/** iovec count above which a new group starts (IOV_MAX is 1024 on Linux). */
const MAX_BUFFERS_PER_WRITE = 1024;

export interface WriteGroup {
  segment: Segment;
  buffers: Buffer[];
  position: number;
  bytes: number;
  /** Offset after the last batch in the group: the high watermark once it is written. */
  endOffset: number;
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class WriteQueue {
  private readonly pending: WriteGroup[] = [];
  private draining = false;
  private scheduled = false;
  private failure: Error | null = null;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly onWritten: (group: WriteGroup) => void,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Queues `buffer` at `position` of `segment`; the promise settles when it is in the file. */
  enqueue(segment: Segment, buffer: Buffer, position: number, endOffset: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const last = this.pending[this.pending.length - 1];
    if (
      last &&
      last.segment === segment &&
      last.position + last.bytes === position &&
      last.buffers.length < MAX_BUFFERS_PER_WRITE
    ) {
      last.buffers.push(buffer);
      last.bytes += buffer.length;
      last.endOffset = endOffset;
      return last.promise;
    }
    let resolve!: () => void;
    let reject!: (err: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => {});
    const group: WriteGroup = {
      segment,
      buffers: [buffer],
      position,
      bytes: buffer.length,
      endOffset,
      promise,
      resolve,
      reject,
    };
    this.pending.push(group);
    segment.lastWrite = promise;
    this.schedule();
    return promise;
  }

  get idle(): boolean {
    return !this.draining && !this.scheduled && this.pending.length === 0;
  }

  /** Resolves once everything queued so far is written (or has failed). */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.draining || this.scheduled) return;
    this.scheduled = true;
    // setImmediate rather than a microtask: every produce request read in this I/O phase joins the write.
    setImmediate(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    while (this.pending.length > 0) {
      const group = this.pending.shift() as WriteGroup;
      try {
        await group.segment.write(group.buffers, group.position);
      } catch (err) {
        this.fail(err instanceof Error ? err : new Error(String(err)), group);
        break;
      }
      group.segment.writtenSize = group.position + group.bytes;
      group.buffers.length = 0;
      this.onWritten(group);
      group.resolve();
    }
    this.draining = false;
    if (this.pending.length === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private fail(err: Error, group: WriteGroup): void {
    this.failure = err;
    group.reject(err);
    for (const g of this.pending.splice(0)) g.reject(err);
    this.onError(err);
  }
}
