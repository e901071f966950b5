import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  OffsetStore,
  decodeFrames,
  encodeFrame,
  type CommittedOffset,
  type StoreRecord,
} from './offset-store.js';
import { nodeStoreFs, type StoreFile, type StoreFs } from './store-fs.js';
import { silentLog } from './testing.js';

let dir: string;
const file = (): string => join(dir, 'offsets.log');

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tributary-offset-store-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function value(offset: number): CommittedOffset {
  return { offset, leaderEpoch: 0, metadata: '', commitTimestamp: 1, expireTimestamp: -1 };
}

function commit(partition: number, offset: number, group = 'g'): StoreRecord {
  return { type: 'offset', group, topic: 't', partition, value: value(offset) };
}

/** Real file system that counts fsyncs and can fail the next write or fsync. */
class FaultyFs implements StoreFs {
  syncs = 0;
  failNextSync = false;
  failNextWrite = false;

  mkdir = nodeStoreFs.mkdir;
  readFile = nodeStoreFs.readFile;
  truncate = nodeStoreFs.truncate;
  rename = nodeStoreFs.rename;
  remove = nodeStoreFs.remove;
  syncDir = nodeStoreFs.syncDir;

  async open(path: string, mode: 'a' | 'w'): Promise<StoreFile> {
    const real = await nodeStoreFs.open(path, mode);
    return {
      write: async (data) => {
        if (this.failNextWrite) {
          this.failNextWrite = false;
          await real.write(data.subarray(0, Math.floor(data.length / 2))); // a torn write
          throw new Error('EIO: injected write failure');
        }
        await real.write(data);
      },
      datasync: async () => {
        this.syncs++;
        if (this.failNextSync) {
          this.failNextSync = false;
          throw new Error('EIO: injected fsync failure');
        }
        await real.datasync();
      },
      close: () => real.close(),
    };
  }
}

describe('offset store', () => {
  it('round-trips frames and stops at the first damaged one', () => {
    const a = encodeFrame([commit(0, 1)]);
    const b = encodeFrame([commit(1, 2), commit(2, 3)]);
    const whole = Buffer.concat([a, b]);
    expect(decodeFrames(whole)).toEqual({
      frames: [[commit(0, 1)], [commit(1, 2), commit(2, 3)]],
      end: whole.length,
    });
    expect(decodeFrames(whole.subarray(0, whole.length - 1)).end).toBe(a.length);
    const flipped = Buffer.from(whole);
    flipped[a.length + 12] ^= 0xff;
    expect(decodeFrames(flipped)).toEqual({ frames: [[commit(0, 1)]], end: a.length });
  });

  it('keeps state across reopen, with group records and deletions replayed in order', async () => {
    const s1 = await OffsetStore.open(dir, { log: silentLog });
    await s1.append([commit(0, 5), commit(1, 6)]);
    await s1.append([
      {
        type: 'group',
        group: 'g',
        value: { protocolType: 'consumer', generationId: 4, empty: true, stateTimestamp: 9 },
      },
    ]);
    await s1.append([{ type: 'offset-delete', group: 'g', topic: 't', partition: 1 }]);
    await s1.append([commit(0, 1, 'gone'), { type: 'group-delete', group: 'gone' }]);
    await s1.close();
    const s2 = await OffsetStore.open(dir, { log: silentLog });
    expect(s2.offset('g', 't', 0)?.offset).toBe(5);
    expect(s2.offset('g', 't', 1)).toBeUndefined();
    expect(s2.groupRecord('g')).toMatchObject({ generationId: 4, empty: true });
    expect(s2.groupIds()).toEqual(['g']);
    await s2.close();
  });

  it('drops a torn tail on recovery and keeps appending after the last intact frame', async () => {
    const s1 = await OffsetStore.open(dir, { log: silentLog });
    await s1.append([commit(0, 1)]);
    await s1.append([commit(0, 2)]);
    await s1.close();
    const intact = (await stat(file())).size;
    // A crash in the middle of the next append: half a frame on disk.
    const torn = encodeFrame([commit(0, 3)]);
    await appendFile(file(), torn.subarray(0, torn.length - 5));
    const s2 = await OffsetStore.open(dir, { log: silentLog });
    expect(s2.offset('g', 't', 0)?.offset).toBe(2);
    expect((await stat(file())).size).toBe(intact);
    await s2.append([commit(0, 4)]);
    await s2.close();
    const s3 = await OffsetStore.open(dir, { log: silentLog });
    expect(s3.offset('g', 't', 0)?.offset).toBe(4);
    await s3.close();
    // Garbage that is not even a frame header is dropped the same way.
    await appendFile(file(), Buffer.from([1, 2, 3]));
    const s4 = await OffsetStore.open(dir, { log: silentLog });
    expect(s4.offset('g', 't', 0)?.offset).toBe(4);
    await s4.close();
  });

  it('shares one fsync among concurrent appends (group commit)', async () => {
    const fs = new FaultyFs();
    const store = await OffsetStore.open(dir, { fs, log: silentLog });
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.append([commit(i, i)])));
    expect(fs.syncs).toBeLessThanOrEqual(2);
    for (let i = 0; i < 50; i++) expect(store.offset('g', 't', i)?.offset).toBe(i);
    await store.close();
  });

  it('compacts the file to the live records once it is mostly overwritten commits', async () => {
    const store = await OffsetStore.open(dir, { log: silentLog, compactMinRecords: 50 });
    for (let i = 0; i < 300; i++) await store.append([commit(0, i), commit(1, i)]);
    await store.close();
    const frames = decodeFrames(await readFile(file())).frames.flat();
    expect(frames.length).toBeLessThanOrEqual(102);
    expect(await readFile(`${file()}.compact`).catch(() => 'absent')).toBe('absent');
    const reopened = await OffsetStore.open(dir, { log: silentLog });
    expect(reopened.offset('g', 't', 0)?.offset).toBe(299);
    expect(reopened.offset('g', 't', 1)?.offset).toBe(299);
    await reopened.close();
  });

  it('compacts by size when large group records pile up', async () => {
    const store = await OffsetStore.open(dir, { log: silentLog, compactMinBytes: 20_000 });
    const big = 'x'.repeat(2_000);
    for (let i = 0; i < 100; i++) {
      await store.append([
        {
          type: 'group',
          group: 'g',
          value: { protocolType: big, generationId: i, empty: false, stateTimestamp: 0 },
        },
      ]);
    }
    await store.close();
    expect((await stat(file())).size).toBeLessThan(25_000);
    const reopened = await OffsetStore.open(dir, { log: silentLog });
    expect(reopened.groupRecord('g')?.generationId).toBe(99);
    await reopened.close();
  });

  it('keeps appending to the current file when a compaction fails before its rename', async () => {
    const fs = new FaultyFs();
    const store = await OffsetStore.open(dir, { fs, log: silentLog, compactMinRecords: 5 });
    for (let i = 0; i < 5; i++) await store.append([commit(0, i)]);
    fs.failNextWrite = true; // hits the compaction's new file, not the commit
    await store.append([commit(0, 5)]);
    await store.append([commit(0, 6)]); // the retried compaction succeeds
    await store.close();
    const reopened = await OffsetStore.open(dir, { log: silentLog });
    expect(reopened.offset('g', 't', 0)?.offset).toBe(6);
    await reopened.close();
    expect(decodeFrames(await readFile(file())).frames.flat().length).toBeLessThanOrEqual(2);
  });

  it('fails the batch whose fsync or write fails, then rewrites the file without it', async () => {
    const fs = new FaultyFs();
    const store = await OffsetStore.open(dir, { fs, log: silentLog });
    await store.append([commit(0, 1)]);
    fs.failNextSync = true;
    await expect(store.append([commit(0, 2)])).rejects.toThrow(/fsync/);
    expect(store.offset('g', 't', 0)?.offset).toBe(1);
    fs.failNextWrite = true;
    await expect(store.append([commit(0, 3)])).rejects.toThrow(/write/);
    await store.append([commit(1, 7)]);
    expect(store.offset('g', 't', 0)?.offset).toBe(1);
    await store.close();
    const reopened = await OffsetStore.open(dir, { log: silentLog });
    expect(reopened.offset('g', 't', 0)?.offset).toBe(1); // the failed commits are not resurrected
    expect(reopened.offset('g', 't', 1)?.offset).toBe(7);
    await reopened.close();
  });

  it('starts from an empty directory and ignores a leftover compaction file', async () => {
    await writeFile(join(dir, 'offsets.log.compact'), 'half-written');
    const store = await OffsetStore.open(join(dir, 'nested'), { log: silentLog });
    expect(store.groupIds()).toEqual([]);
    await store.close();
    const again = await OffsetStore.open(dir, { log: silentLog });
    expect(await readFile(join(dir, 'offsets.log.compact')).catch(() => 'absent')).toBe('absent');
    await again.close();
  });
});
