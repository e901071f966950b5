/** S3ObjectStore against a real S3 HTTP server (s3rver), and a TieredLog copying through it. */
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { startS3Server, type S3Server } from '@tributary/testing';
import { ChunkCache } from './chunk-cache.js';
import { S3ObjectStore } from './s3-object-store.js';
import { appendMany, fixture, readOffsets, type Fixture } from '../test/fixtures.js';

let server: S3Server | undefined;
let f: Fixture | undefined;
afterEach(async () => {
  await f?.cleanup();
  await server?.stop();
  f = undefined;
  server = undefined;
});

function storeFor(s: S3Server): S3ObjectStore {
  return new S3ObjectStore(storeSettings(s));
}

function storeSettings(s: S3Server) {
  return {
    endpoint: s.endpoint,
    region: s.region,
    bucket: 'tiered-test',
    forcePathStyle: true,
    credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
    requestTimeoutMs: 5_000,
    maxAttempts: 1,
  };
}

describe('S3ObjectStore', () => {
  it('puts buffers and streams, reads ranges, lists in order and deletes', async () => {
    server = await startS3Server({ buckets: ['tiered-test'] });
    const store = storeFor(server);
    const data = randomBytes(70_000);
    await store.put('p/00000000000000000010-x.log', {
      size: data.length,
      stream: () => Readable.from([data.subarray(0, 1000), data.subarray(1000)]),
    });
    await store.put('p/00000000000000000002-x.index', Buffer.from('idx'));
    expect(
      (await store.getRange('p/00000000000000000010-x.log', 500, 1500)).equals(
        data.subarray(500, 1500),
      ),
    ).toBe(true);
    expect((await store.get('p/00000000000000000010-x.log')).equals(data)).toBe(true);
    expect(await store.list('p/')).toEqual([
      { key: 'p/00000000000000000002-x.index', size: 3 },
      { key: 'p/00000000000000000010-x.log', size: 70_000 },
    ]);
    await store.delete(['p/00000000000000000002-x.index', 'p/missing']);
    expect((await store.list('p/')).map((o) => o.key)).toEqual(['p/00000000000000000010-x.log']);
    store.close();
  });

  it('lists past a truncated page, in key order', async () => {
    server = await startS3Server({ buckets: ['tiered-test'] });
    const store = new S3ObjectStore({ ...storeSettings(server), listPageSize: 2 });
    const keys = [5, 1, 4, 2, 3].map((n) => `q/${String(n).padStart(20, '0')}-x.log`);
    for (const k of keys) await store.put(k, Buffer.from(k));
    await store.put('r/other', Buffer.from('not listed'));
    expect((await store.list('q/')).map((o) => o.key)).toEqual([...keys].sort());
    store.close();
  });

  it('fails fast while the server is down', async () => {
    server = await startS3Server({ buckets: ['tiered-test'] });
    const store = storeFor(server);
    await server.stop();
    await expect(store.put('k', Buffer.from('v'))).rejects.toThrow();
    store.close();
  });

  it('carries a tiered log through a real S3 endpoint', async () => {
    server = await startS3Server({ buckets: ['tiered-test'] });
    const store = storeFor(server);
    f = await fixture(store);
    const log = await f.open();
    await appendMany(log, 0, 30);
    await f.manager.runOnce();
    await log.runMaintenance(Date.now());
    expect(log.localLogStartOffset).toBeGreaterThan(0);
    const listed = await store.list('test/clusters/c1/topics/topicA/0000000000/');
    expect(listed.filter((o) => o.key.endsWith('.log')).length).toBe(log.remote.copied().length);
    expect(await readOffsets(log, 0)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    await log.close();
    await f.manager.close();
  });

  it('reads an object forward through the read-ahead cache, aborts GETs, and fails (not hangs) when S3 goes away', async () => {
    server = await startS3Server({ buckets: ['tiered-test'] });
    const store = storeFor(server);
    const size = 3 * 1024 * 1024 + 12_345;
    const data = randomBytes(size);
    await store.put('big.log', data);
    const chunk = 64 * 1024;
    const cache = new ChunkCache(store, { chunkSize: chunk, maxBytes: 16 * chunk, readAhead: 8 });
    for (let at = 0; at < size; at += 100_000) {
      const got = Buffer.concat(await cache.readPieces('big.log', size, at, at + 100_000, true));
      expect(got.equals(data.subarray(at, Math.min(at + 100_000, size)))).toBe(true);
      expect(cache.usedBytes).toBeLessThanOrEqual(16 * chunk);
    }
    expect(cache.misses).toBeLessThan(5); // read-ahead kept ahead of the reader

    const aborted = new AbortController();
    const get = store.getRange('big.log', 0, size, aborted.signal);
    aborted.abort(new Error('not wanted'));
    await expect(get).rejects.toThrow();

    const fresh = new ChunkCache(store, { chunkSize: chunk, maxBytes: 16 * chunk, readAhead: 8 });
    await fresh.read('big.log', size, 0, 1000, true); // read-ahead now in flight
    await server.stop();
    const t0 = Date.now();
    await expect(fresh.read('big.log', size, 20 * chunk, 21 * chunk, true)).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(5_000);
    fresh.close();
    cache.close();
    store.close();
  });
});
