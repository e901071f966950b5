/**
 * Durable remote-log metadata of one partition: an append-only journal of JSON lines in the
 * broker's data directory, fsynced after every event, replayed on open (a torn last line
 * from a crash is ignored). Kafka keeps the same events in its __remote_log_metadata topic.
 * Events:
 *   {"segment": RemoteSegment}      a segment's new state (the whole record)
 *   {"logStart": offset}             the partition's log start moved (DeleteRecords, retention)
 *   {"deletePartition": true}        the topic was deleted: remove every object, then the journal
 * When the journal holds many finished deletions it is rewritten (temp file, fsync, rename)
 * with only the live state.
 */
import { writeFully, type FileOps } from '@tributary/log-store';
import { isValidTransition, type RemoteSegment } from './remote-segment.js';

type JournalEvent = { segment: RemoteSegment } | { logStart: number } | { deletePartition: true };

/** Rewrite the journal once it has this many lines more than its live state needs. */
const COMPACT_SLACK = 256;

export class MetadataJournal {
  /** Every upload attempt not yet DELETE_SEGMENT_FINISHED, by upload id. */
  readonly segments = new Map<string, RemoteSegment>();
  logStart = 0;
  deletePartition = false;
  /** Moves with every applied event (callers cache what they derive from `segments`). */
  version = 0;
  private lines = 0;
  private size = 0;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly fs: FileOps,
    readonly dir: string,
    readonly path: string,
  ) {}

  static async open(fs: FileOps, dir: string, name: string): Promise<MetadataJournal> {
    await fs.mkdir(dir);
    const journal = new MetadataJournal(fs, dir, `${dir}/${name}`);
    await journal.load();
    return journal;
  }

  private async load(): Promise<void> {
    const data = await this.fs.readFile(this.path);
    if (!data) return;
    let at = 0;
    while (at < data.length) {
      const nl = data.indexOf(0x0a, at);
      if (nl < 0) break; // torn tail
      let event: JournalEvent;
      try {
        event = JSON.parse(data.subarray(at, nl).toString('utf8')) as JournalEvent;
      } catch {
        break;
      }
      this.apply(event);
      this.lines++;
      at = nl + 1;
    }
    this.size = at;
    if (at < data.length) {
      // Drop the torn tail so later appends start on a line boundary.
      const h = await this.fs.open(this.path, 'readWrite');
      try {
        await h.truncate(at);
        await h.sync();
      } finally {
        await h.close();
      }
    }
  }

  private apply(event: JournalEvent): void {
    this.version++;
    if ('segment' in event) {
      const s = event.segment;
      if (s.state === 'DELETE_SEGMENT_FINISHED') this.segments.delete(s.uploadId);
      else this.segments.set(s.uploadId, { ...s });
    } else if ('logStart' in event) {
      this.logStart = Math.max(this.logStart, event.logStart);
    } else if ('deletePartition' in event) {
      this.deletePartition = true;
    }
  }

  /** Records a segment's new state durably; throws on an illegal transition. */
  recordSegment(segment: RemoteSegment): Promise<void> {
    const current = this.segments.get(segment.uploadId);
    if (current && !isValidTransition(current.state, segment.state)) {
      return Promise.reject(
        new Error(
          `remote segment ${segment.uploadId}: ${current.state} -> ${segment.state} is not allowed`,
        ),
      );
    }
    if (!current && segment.state !== 'COPY_SEGMENT_STARTED') {
      return Promise.reject(new Error(`remote segment ${segment.uploadId} is unknown`));
    }
    return this.append({ segment: { ...segment } });
  }

  recordLogStart(offset: number): Promise<void> {
    if (offset <= this.logStart) return Promise.resolve();
    return this.append({ logStart: offset });
  }

  recordDeletePartition(): Promise<void> {
    if (this.deletePartition) return Promise.resolve();
    return this.append({ deletePartition: true });
  }

  /** Removes the journal file (after every object of the partition is gone). */
  async remove(): Promise<void> {
    await this.queue;
    await this.fs.unlink(this.path);
    await this.fs.syncDir(this.dir);
  }

  private append(event: JournalEvent): Promise<void> {
    const run = this.queue.then(async () => {
      const line = Buffer.from(`${JSON.stringify(event)}\n`);
      const exists = (await this.fs.fileSize(this.path)) !== null;
      const h = await this.fs.open(this.path, exists ? 'readWrite' : 'create');
      try {
        await writeFully(h, [line], this.size);
        await h.sync();
      } finally {
        await h.close();
      }
      if (!exists) await this.fs.syncDir(this.dir);
      this.size += line.length;
      this.lines++;
      this.apply(event);
      if (this.lines > this.segments.size + 2 + COMPACT_SLACK) await this.compact();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async compact(): Promise<void> {
    const events: JournalEvent[] = [];
    if (this.logStart > 0) events.push({ logStart: this.logStart });
    if (this.deletePartition) events.push({ deletePartition: true });
    for (const s of this.segments.values()) events.push({ segment: s });
    const data = Buffer.from(events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    const tmp = `${this.path}.tmp`;
    await this.fs.writeFile(tmp, data);
    await this.fs.rename(tmp, this.path);
    await this.fs.syncDir(this.dir);
    this.size = data.length;
    this.lines = events.length;
  }
}
