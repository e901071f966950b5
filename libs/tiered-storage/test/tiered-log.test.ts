/** TieredLog + RemoteLogManager over a real local log and the in-memory object store. */
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '@tributary/kafka-protocol';
import { openPartitionLog } from '@tributary/log-store';
import { join } from 'node:path';
import { MemObjectStore } from '../src/mem-object-store.js';
import { parseSegmentObjectKey } from '../src/object-keys.js';
import { appendMany, fixture, readOffsets, tieredConfig, type Fixture } from './fixtures.js';

let f: Fixture | undefined;
afterEach(async () => {
  await f?.cleanup();
  f = undefined;
});

const logKeys = (store: MemObjectStore) =>
  [...store.objects.keys()].filter((k) => k.endsWith('.log')).sort();

describe('TieredLog', () => {
  it('copies closed segments in order, deletes local copies, and reads everything back', async () => {
    const store = new MemObjectStore();
    f = await fixture(store);
    const log = await f.open();
    await appendMany(log, 0, 40);
    await f.manager.runOnce();
    const keys = logKeys(store);
    expect(keys.length).toBeGreaterThanOrEqual(5);
    expect(keys[0]).toMatch(
      /^test\/clusters\/c1\/topics\/topicA\/0000000000\/00000000000000000000-[A-Za-z0-9_-]{22}\.log$/,
    );
    const bases = keys.map((k) => parseSegmentObjectKey(k)!.baseOffset);
    expect(bases).toEqual([...bases].sort((a, b) => a - b));
    for (const k of keys) {
      const stem = k.slice(0, -'.log'.length);
      for (const kind of ['index', 'timeindex', 'snapshot'])
        expect(store.objects.has(`${stem}.${kind}`)).toBe(true);
    }
    expect(log.highestTieredOffset).toBe(log.remote.copiedUpTo()! - 1);
    expect(log.localLogStartOffset).toBe(0);

    await log.runMaintenance(Date.now()); // local.retention.bytes=0: copied segments go
    expect(log.localLogStartOffset).toBe(log.highestTieredOffset + 1);
    expect(log.logStartOffset).toBe(0);
    expect(log.remoteSizeBytes).toBeGreaterThan(0);
    expect(await readOffsets(log, 0)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    // From the middle of a remote segment, too.
    expect((await readOffsets(log, 3))[0]).toBe(3);
    expect(await log.offsetForTimestamp(1_000_000 + 2 * 1000)).toEqual({
      offset: 2,
      timestamp: 1_002_000,
    });
    await log.close();
  });

  it('keeps every local segment while the store is down and catches up when it returns', async () => {
    const store = new MemObjectStore();
    f = await fixture(store);
    const log = await f.open();
    store.down = true;
    await appendMany(log, 0, 30);
    await f.manager.runOnce();
    await log.runMaintenance(Date.now());
    expect(log.localLogStartOffset).toBe(0);
    const down = f.manager.status();
    expect(down.backlogSegments).toBeGreaterThanOrEqual(4);
    expect(down.backlogBytes).toBeGreaterThan(0);
    expect(down.lastError).toMatch(/down/);

    store.down = false;
    await f.manager.runOnce(); // cleans up the abandoned attempt, then copies everything
    await log.runMaintenance(Date.now());
    expect(f.manager.status()).toMatchObject({
      backlogSegments: 0,
      backlogBytes: 0,
      lastError: null,
    });
    expect(log.localLogStartOffset).toBeGreaterThan(0);
    expect(await readOffsets(log, 0)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const states = [...log.remote.journal.segments.values()].map((s) => s.state);
    expect(states.every((s) => s === 'COPY_SEGMENT_FINISHED')).toBe(true);
    await log.close();
  });

  it('cleans up a failed attempt and copies again under a fresh upload id', async () => {
    const store = new MemObjectStore();
    f = await fixture(store);
    const log = await f.open();
    await appendMany(log, 0, 12);
    store.failNext('put', 1);
    store.calls.put = 0;
    await f.manager.runOnce();
    expect(log.remote.copied()).toHaveLength(0); // the first segment's copy failed: none after it
    expect(store.objects.size).toBe(0); // its partial objects were removed
    await f.manager.runOnce();
    const copied = log.remote.copied();
    expect(copied.length).toBeGreaterThan(0);
    const bases = copied.map((s) => s.baseOffset);
    expect(new Set(bases).size).toBe(bases.length);
    expect(new Set(copied.map((s) => s.uploadId)).size).toBe(copied.length);
    await log.close();
  });

  it('after a crash mid-copy removes the interrupted attempt and copies each segment once', async () => {
    const store = new MemObjectStore();
    f = await fixture(store);
    const config = tieredConfig();
    let log = await f.open(config);
    await appendMany(log, 0, 12);
    const [first] = await log.uploadableSegments();
    // What a kill -9 between the puts leaves: COPY_SEGMENT_STARTED and some objects.
    await log.remote.journal.recordSegment({
      uploadId: 'AAAAAAAAAAAAAAAAAAAAAA',
      baseOffset: first.baseOffset,
      endOffset: first.nextOffset - 1,
      maxTimestamp: first.maxTimestamp,
      segmentBytes: first.sizeBytes,
      objectBytes: 0,
      hasSnapshot: true,
      state: 'COPY_SEGMENT_STARTED',
      eventTimestamp: Date.now(),
    });
    const partialKey = log.remote.keyOf(
      log.remote.journal.segments.get('AAAAAAAAAAAAAAAAAAAAAA')!,
      'index',
    );
    await store.put(partialKey, Buffer.from('partial'));
    await log.local.close();

    await f.reopenManager();
    log = await f.open(config);
    expect(log.remote.journal.segments.get('AAAAAAAAAAAAAAAAAAAAAA')?.state).toBe(
      'COPY_SEGMENT_STARTED',
    );
    await f.manager.runOnce();
    expect(store.objects.has(partialKey)).toBe(false);
    expect(log.remote.journal.segments.has('AAAAAAAAAAAAAAAAAAAAAA')).toBe(false);
    const copied = log.remote.copied();
    expect(copied.filter((s) => s.baseOffset === first.baseOffset)).toHaveLength(1);
    expect(await readOffsets(log, 0)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    await log.close();
  });

  it('applies total retention and DeleteRecords to remote segments', async () => {
    const store = new MemObjectStore();
    f = await fixture(store);
    const log = await f.open();
    await appendMany(log, 0, 40);
    await f.manager.runOnce();
    await log.runMaintenance(Date.now());
    const before = logKeys(store).length;
    const second = log.remote.copied()[1];

    expect(await log.deleteRecordsBefore(second.baseOffset + 1)).toBe(second.baseOffset + 1);
    expect(logKeys(store)).toHaveLength(before - 1);
    const r = await log.read(0, 1000, { minOneBatch: true });
    expect(r).toMatchObject({
      ok: false,
      errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
      logStartOffset: second.baseOffset + 1,
    });

    log.setConfig({ ...log.config, retentionBytes: 4000 });
    await log.runMaintenance(Date.now());
    expect(logKeys(store).length).toBeLessThan(before - 1);
    expect(log.logStartOffset).toBeGreaterThan(second.baseOffset + 1);
    expect(await readOffsets(log, log.logStartOffset)).toHaveLength(40 - log.logStartOffset);

    // The log start survives a restart (the journal is durable).
    const start = log.logStartOffset;
    await log.close();
    await f.reopenManager();
    const again = await f.open(log.config);
    expect(again.logStartOffset).toBe(start);
    await again.close();
  });

  it("removes a deleted topic's objects, also after a restart while the store was down", async () => {
    const store = new MemObjectStore();
    f = await fixture(store);
    const log = await f.open();
    await appendMany(log, 0, 20);
    await f.manager.runOnce();
    expect(store.objects.size).toBeGreaterThan(0);
    await log.close();
    store.down = true;
    await f.manager.deleteTopic([log]);
    expect(f.manager.status().pendingDeletions).toBe(1);

    await f.reopenManager(); // the broker restarted; the topic is gone from its metadata
    await f.manager.resumeDeletions(new Set());
    store.down = false;
    await f.manager.runOnce();
    expect(store.objects.size).toBe(0);
    expect(f.manager.status().pendingDeletions).toBe(0);
  });

  it('does not tier a log whose config does not enable it', async () => {
    const store = new MemObjectStore();
    f = await fixture(store);
    const config = tieredConfig({ remoteStorageEnable: false, retentionBytes: -1 });
    const local = await openPartitionLog(join(f.dir, 'plain'), config);
    const log = await f.manager.attach(
      local,
      { label: 'p-0', topicId: 'topicB', partition: 0 },
      config,
    );
    await appendMany(log, 0, 20);
    await f.manager.runOnce();
    expect(store.objects.size).toBe(0);
    expect(log.highestTieredOffset).toBe(-1);
    await log.close();
  });
});
