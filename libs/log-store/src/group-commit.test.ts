import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

function harness() {
  let written = 0;
  const syncs: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  const gc = new GroupCommit(
    {
      writtenOffset: () => written,
      syncAll: () => new Promise<void>((resolve, reject) => syncs.push({ resolve, reject })),
      onError: () => {},
    },
    0,
  );
  return {
    gc,
    syncs,
    write(to: number) {
      written = to;
      gc.kick();
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('GroupCommit', () => {
  it('runs one sync at a time and covers every waiter that arrived meanwhile with the next', async () => {
    const h = harness();
    h.write(10);
    const done: number[] = [];
    void h.gc.flush(5).then(() => done.push(5));
    expect(h.syncs.length).toBe(1);
    h.write(20);
    for (const o of [12, 15, 20]) void h.gc.flush(o).then(() => done.push(o));
    expect(h.syncs.length).toBe(1);
    h.syncs[0].resolve();
    await tick();
    expect(done).toEqual([5]);
    expect(h.syncs.length).toBe(2);
    h.syncs[1].resolve();
    await tick();
    expect(done).toEqual([5, 12, 15, 20]);
    expect(h.gc.flushedOffset).toBe(20);
    expect(h.gc.rounds).toBe(2);
  });

  it('waits for data to be written before syncing it', async () => {
    const h = harness();
    let resolved = false;
    void h.gc.flush(3).then(() => (resolved = true));
    expect(h.syncs.length).toBe(0);
    h.write(3);
    h.syncs[0].resolve();
    await tick();
    expect(resolved).toBe(true);
  });

  it('fails every waiter and later caller after a failed fsync', async () => {
    const h = harness();
    h.write(5);
    const a = h.gc.flush(5);
    const b = h.gc.flush(5);
    h.syncs[0].reject(new Error('EIO'));
    await expect(a).rejects.toThrow('EIO');
    await expect(b).rejects.toThrow('EIO');
    await expect(h.gc.flush(1)).rejects.toThrow('EIO');
  });
});
