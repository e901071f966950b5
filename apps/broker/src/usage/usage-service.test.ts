import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiKey } from '@tributary/kafka-protocol';
import type { Logger } from '../logger.js';
import { ConnectionRegistry } from '../server/connection-registry.js';
import { DataDir } from '../storage/data-dir.js';
import type { TopicManager } from '../topics/topic-manager.js';
import { UsageCounters } from './usage-counters.js';
import { UsageService } from './usage-service.js';
import type { IncarnationRecord } from './usage-store.js';

const quiet: Logger = { info() {}, warn() {}, error() {}, debug() {} };
let root: string;
let dir: DataDir;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'usage-'));
  dir = new DataDir(root);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const sources = {
  topics: {
    list: () => [
      {
        name: 'live',
        partitions: [
          { sizeBytes: 100, remoteSizeBytes: 1000 },
          { sizeBytes: 50, remoteSizeBytes: 0 },
        ],
      },
    ],
  } as unknown as TopicManager,
  connections: new ConnectionRegistry(),
};

function open(flushMs = 0): Promise<UsageService> {
  return UsageService.open(dir, sources, flushMs, quiet);
}

async function stored(incarnation: string): Promise<IncarnationRecord> {
  return JSON.parse(
    await readFile(join(root, 'meta', 'usage', `${incarnation}.json`), 'utf8'),
  ) as IncarnationRecord;
}

describe('UsageCounters', () => {
  it('sums per topic and per API, and keeps deleted topics', () => {
    const c = new UsageCounters();
    c.produced('a', 10);
    c.produced('b', 5);
    c.fetched('a', 7);
    c.fetched('a', 0);
    c.request(ApiKey.Produce);
    c.request(ApiKey.Produce);
    c.request(ApiKey.Fetch);
    expect(c.snapshot()).toEqual({
      cluster: { bytesIn: 15, bytesOut: 7, requests: 3, requestsByApi: { Produce: 2, Fetch: 1 } },
      topics: { a: { bytesIn: 10, bytesOut: 7 }, b: { bytesIn: 5, bytesOut: 0 } },
    });
  });
});

describe('UsageService', () => {
  it('numbers reads, saves each before answering, and adds the gauges', async () => {
    const u = await open();
    expect(await stored(u.incarnation)).toMatchObject({ sequence: 0, final: false });
    u.counters.produced('gone', 40);
    const first = await u.read();
    expect(first.sequence).toBe(1);
    expect(await stored(u.incarnation)).toMatchObject({
      sequence: 1,
      cluster: { bytesIn: 40 },
      topics: { gone: { bytesIn: 40, bytesOut: 0 } },
    });
    expect(first.topics).toEqual({
      gone: {
        bytesIn: 40,
        bytesOut: 0,
        partitions: 0,
        storedBytes: 0,
        storedBytesLocal: 0,
        storedBytesRemote: 0,
      },
      live: {
        bytesIn: 0,
        bytesOut: 0,
        partitions: 2,
        storedBytes: 1150,
        storedBytesLocal: 150,
        storedBytesRemote: 1000,
      },
    });
    expect(first.cluster).toMatchObject({
      partitions: 2,
      storedBytes: 1150,
      storedBytesLocal: 150,
      storedBytesRemote: 1000,
      topics: 1,
      tieredBacklog: null,
    });
    const [a, b] = await Promise.all([u.read(), u.read()]);
    expect([a.sequence, b.sequence]).toEqual([2, 3]);
    await u.close();
    expect(await stored(u.incarnation)).toMatchObject({ sequence: 3, final: true });
  });

  it('saves periodically', async () => {
    const u = await open(20);
    u.counters.produced('t', 5);
    await new Promise((r) => setTimeout(r, 100));
    expect((await stored(u.incarnation)).cluster.bytesIn).toBe(5);
    await u.close();
  });

  it('hands over earlier incarnations until acknowledged', async () => {
    const first = await open();
    first.counters.produced('t', 9);
    await first.close();
    const second = await open();
    second.counters.produced('t', 1);
    await second.flush();
    // A crash: no close. A temp file left mid-write is ignored.
    await writeFile(join(root, 'meta', 'usage', `${second.incarnation}.json.tmp`), '{');
    const third = await open();
    const report = await third.read();
    expect(report.previous.map((p) => [p.incarnation, p.final, p.cluster.bytesIn])).toEqual([
      [first.incarnation, true, 9],
      [second.incarnation, false, 1],
    ]);
    expect(await third.acknowledge(first.incarnation)).toBe(true);
    expect(await third.acknowledge(first.incarnation)).toBe(false);
    expect(await third.acknowledge(third.incarnation)).toBe(false);
    expect((await third.read()).previous.map((p) => p.incarnation)).toEqual([second.incarnation]);
    const files = (await readdir(join(root, 'meta', 'usage'))).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(
      [`${second.incarnation}.json`, `${third.incarnation}.json`].sort(),
    );
    await third.close();
  });
});
