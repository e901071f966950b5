/**
 * meta/usage/<incarnation>.json: the counters of each broker incarnation, rewritten whole
 * (durably) on every read, every usage.flush.interval.ms and at a clean stop. Files of
 * earlier incarnations stay until a collector acknowledges them.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataDir } from '../storage/data-dir.js';
import { readJsonIfExists, writeFileDurably } from '../storage/durable-file.js';
import type { CountersSnapshot } from './usage-counters.js';

export interface IncarnationRecord extends CountersSnapshot {
  incarnation: string;
  startedAt: string;
  /** Sequence of the last read answered by this incarnation (0: never read). */
  sequence: number;
  savedAt: string;
  /** Written by a clean stop: these are the incarnation's complete counts. */
  final: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isIncarnationId(s: string): boolean {
  return UUID.test(s);
}

export class UsageStore {
  readonly dir: string;

  constructor(dataDir: DataDir) {
    this.dir = join(dataDir.metaDir, 'usage');
  }

  private file(incarnation: string): string {
    if (!isIncarnationId(incarnation)) throw new Error(`not an incarnation id: ${incarnation}`);
    return join(this.dir, `${incarnation}.json`);
  }

  save(record: IncarnationRecord): Promise<void> {
    return writeFileDurably(this.file(record.incarnation), JSON.stringify(record));
  }

  /** Every stored incarnation, oldest first. */
  async list(): Promise<IncarnationRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: IncarnationRecord[] = [];
    for (const name of names) {
      const id = name.endsWith('.json') ? name.slice(0, -5) : '';
      if (!isIncarnationId(id)) continue; // *.tmp left by a crash mid-write, anything else
      const record = await readJsonIfExists<IncarnationRecord>(join(this.dir, name));
      if (record) out.push(record);
    }
    return out.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }

  /** Forgets an incarnation; true if it was there. */
  async remove(incarnation: string): Promise<boolean> {
    const path = this.file(incarnation);
    const existed = (await readJsonIfExists<unknown>(path)) !== undefined;
    await rm(path, { force: true });
    return existed;
  }
}
