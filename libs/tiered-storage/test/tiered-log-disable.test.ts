/**
 * KIP-950 on TieredLog over a real local log and the in-memory object store: read-only remote
 * data (remote.log.copy.disable) and turning tiering off (remote data deleted, retried while
 * the store is down and after a restart).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemObjectStore } from '../src/mem-object-store.js';
import { appendMany, fixture, readOffsets, tieredConfig, type Fixture } from './fixtures.js';

let f: Fixture | undefined;
afterEach(async () => {
  await f?.cleanup();
  f = undefined;
});

const logKeys = (store: MemObjectStore) =>
  [...store.objects.keys()].filter((k) => k.endsWith('.log'));
const off = tieredConfig({ remoteStorageEnable: false, localRetentionBytes: -2 });

describe('TieredLog and KIP-950', () => {
  it('copies nothing more with remote.log.copy.disable, and keeps local segments', async () => {
    const store = new MemObjectStore();
    f = await fixture(store);
    const log = await f.open();
    await appendMany(log, 0, 20);
    await f.manager.runOnce();
    await log.runMaintenance(Date.now());
    const copied = logKeys(store).length;
    const localStart = log.localLogStartOffset;
    expect(copied).toBeGreaterThan(0);
    expect(localStart).toBeGreaterThan(0);

    log.setConfig(tieredConfig({ remoteLogCopyDisable: true }));
    expect(log.tieringEnabled).toBe(false);
    await appendMany(log, 20, 20);
    await f.manager.runOnce();
    await log.runMaintenance(Date.now());
    expect(logKeys(store).length).toBe(copied);
    // local.retention.bytes=0 no longer applies: the uncopied segments stay on disk.
    expect(log.localLogStartOffset).toBe(localStart);
    expect(await readOffsets(log, 0)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    await log.close();
  });

  it('turned off, deletes every remote segment once the store answers; the log starts locally', async () => {
    const store = new MemObjectStore();
    f = await fixture(store);
    const log = await f.open();
    await appendMany(log, 0, 20);
    await f.manager.runOnce();
    await log.runMaintenance(Date.now());
    const localStart = log.localLogStartOffset;
    expect(log.logStartOffset).toBe(0);

    store.down = true;
    log.setConfig(off);
    await log.idle();
    expect(logKeys(store).length).toBeGreaterThan(0); // the outage: nothing deleted yet
    store.down = false;
    await log.runMaintenance(Date.now());
    expect(store.objects.size).toBe(0);
    expect(log.remote.journal.segments.size).toBe(0);
    expect(log.logStartOffset).toBe(localStart);
    expect(await readOffsets(log, localStart)).toEqual(
      Array.from({ length: 20 - localStart }, (_, i) => localStart + i),
    );
    await log.close();
  });

  it('resumes deleting after a restart', async () => {
    const store = new MemObjectStore();
    f = await fixture(store);
    const first = await f.open();
    await appendMany(first, 0, 20);
    await f.manager.runOnce();
    await first.runMaintenance(Date.now());
    store.down = true;
    first.setConfig(off);
    await first.idle();
    await first.close();

    await f.reopenManager(); // the broker restarted with the topic's tiering off
    store.down = false;
    const log = await f.open(off);
    expect(log.remote.journal.segments.size).toBeGreaterThan(0);
    await log.runMaintenance(Date.now());
    expect(store.objects.size).toBe(0);
    expect(log.logStartOffset).toBe(log.localLogStartOffset);
    await log.close();
  });
});
