/**
 * The remote fetch quota (KIP-956's remote.log.manager.fetch.max.bytes.per.second) on
 * TieredLog over a real local log and the in-memory store: within the quota remote reads are
 * served; over it the partition is answered without data and no error, until the debt is
 * paid off; local reads are never held back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemObjectStore } from '../src/mem-object-store.js';
import { appendMany, fixture, type Fixture } from './fixtures.js';

let f: Fixture | undefined;
afterEach(async () => {
  await f?.cleanup();
  f = undefined;
});

describe('remote fetch quota', () => {
  it('answers remote reads empty once over the quota, and serves again after a second', async () => {
    const store = new MemObjectStore();
    f = await fixture(store, { fetchBytesPerSecond: 1500 });
    const log = await f.open();
    await appendMany(log, 0, 30);
    await f.manager.runOnce();
    await log.runMaintenance(Date.now());
    expect(log.localLogStartOffset).toBeGreaterThan(10);

    const read = async (offset: number) => {
      const r = await log.read(offset, 1200, { minOneBatch: true, remoteWaitMs: 5000 });
      if (!r.ok) throw new Error(`error ${r.errorCode}`);
      return r.records.reduce((n, b) => n + b.length, 0);
    };
    // The first reads spend the one-second allowance (1500 bytes), the next is held back.
    let served = 0;
    let offset = 0;
    for (; served < 1500; offset++) served += await read(offset);
    expect(await read(offset)).toBe(0);
    // Local data is not remote: never held back.
    expect(await read(log.localLogStartOffset)).toBeGreaterThan(0);
    // Paid off (the debt is below one second of the rate): served again.
    await new Promise((r) => setTimeout(r, 1100));
    expect(await read(offset)).toBeGreaterThan(0);
    await log.close();
  });
});
