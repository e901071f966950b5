import { spawn } from 'node:child_process';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchCrcValid, decodeRecords } from '@tributary/kafka-protocol';
import { openPartitionLog } from './open-log.js';
import { MemFileOps } from './fs/mem-fs.js';
import { segmentFile, snapshotFile } from './file-names.js';
import {
  appendOne,
  makeBatch,
  parseBatches,
  readAll,
  smallConfig,
  withTempDir,
} from '../test/helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '../../..');

describe('recovery after SIGKILL', () => {
  it('keeps every acknowledged (fsynced) batch at its offset', async () => {
    await withTempDir(async (dir) => {
      const logDir = join(dir, 'p');
      const child = spawn(
        process.execPath,
        [
          '--conditions=@tributary/source',
          '--import',
          'tsx',
          join(here, '../test/crash-child.ts'),
          logDir,
        ],
        { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let acked = 0;
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      await new Promise<void>((resolve, reject) => {
        let pending = '';
        child.stdout.on('data', (d: Buffer) => {
          pending += d.toString();
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) acked = Math.max(acked, Number(line.split(' ')[1]));
          if (acked >= 600) {
            child.kill('SIGKILL');
            resolve();
          }
        });
        child.on('exit', () =>
          acked >= 600 ? resolve() : reject(new Error(`child exited: ${stderr}`)),
        );
      });
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise((r) => child.once('exit', r));
      }
      const log = await openPartitionLog(logDir, smallConfig({ segmentBytes: 8192 }));
      expect(log.logEndOffset).toBeGreaterThanOrEqual(acked);
      const batches = await readAll(log, 0);
      let expected = 0;
      batches.forEach((b, k) => {
        expect(b.baseOffset).toBe(expected);
        expect(batchCrcValid(b.bytes)).toBe(true);
        const value = decodeRecords(b.bytes)[0].value as Buffer;
        expect(value.length).toBe(50 + (k % 100));
        expect(value[0]).toBe(k % 256);
        expected = b.lastOffset + 1;
      });
      expect(expected).toBe(log.logEndOffset);
      await log.close();
    });
  }, 30_000);
});

describe('recovery of a partition directory', () => {
  it('deletes orphan indexes, temp files and unfinished compaction output', async () => {
    const fs = new MemFileOps();
    let log = await openPartitionLog('/p', smallConfig(), { fs });
    for (let i = 0; i < 20; i++) await appendOne(log, makeBatch({ valueSize: 300 }));
    await log.close();
    fs.setRawFile(segmentFile('/p', 999, 'index'), Buffer.alloc(8));
    fs.setRawFile(segmentFile('/p', 999, 'timeindex'), Buffer.alloc(12));
    fs.setRawFile(segmentFile('/p', 0, 'log', '.cleaned'), Buffer.alloc(100));
    fs.setRawFile(segmentFile('/p', 0, 'index', '.swap'), Buffer.alloc(8));
    fs.setRawFile('/p/log-start-offset.checkpoint.tmp', Buffer.from('x'));
    log = await openPartitionLog('/p', smallConfig(), { fs });
    const names = await fs.readdir('/p');
    expect(
      names.filter((n) => n.includes('999') || n.includes('.cleaned') || n.includes('.swap')),
    ).toEqual([]);
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect((await readAll(log, 0)).length).toBe(20);
    await log.close();
  });

  it('rebuilds missing or broken index files of closed segments', async () => {
    const fs = new MemFileOps();
    let log = await openPartitionLog('/p', smallConfig(), { fs });
    const stored: Buffer[] = [];
    for (let i = 0; i < 40; i++)
      stored.push((await appendOne(log, makeBatch({ valueSize: 200 }))).bytes);
    await log.close();
    const names = await fs.readdir('/p');
    const firstIndex = names.find((n) => n.endsWith('.index')) as string;
    await fs.unlink(`/p/${firstIndex}`);
    fs.setRawFile(`/p/${names.filter((n) => n.endsWith('.timeindex'))[1]}`, Buffer.alloc(5));
    // Unclean start from offset 0 so every segment is checked.
    await fs.unlink('/p/.clean-shutdown');
    await fs.unlink('/p/recovery-point.checkpoint');
    log = await openPartitionLog('/p', smallConfig(), { fs });
    const all = await readAll(log, 0);
    all.forEach((b, i) => expect(b.bytes.equals(stored[i])).toBe(true));
    expect((await fs.readdir('/p')).includes(firstIndex)).toBe(true);
    await log.close();
  });

  it('truncates a corrupt segment and drops the segments after it', async () => {
    const fs = new MemFileOps();
    let log = await openPartitionLog('/p', smallConfig(), { fs });
    for (let i = 0; i < 40; i++) await appendOne(log, makeBatch({ valueSize: 200 }));
    await log.close();
    const logs = (await fs.readdir('/p')).filter((n) => n.endsWith('.log'));
    expect(logs.length).toBeGreaterThanOrEqual(3);
    const victim = `/p/${logs[1]}`;
    const bytes = fs.rawFile(victim) as Buffer;
    bytes[bytes.length - 5] ^= 0xff; // flip a byte inside the last batch: CRC mismatch
    fs.setRawFile(victim, bytes);
    await fs.unlink('/p/.clean-shutdown');
    await fs.unlink('/p/recovery-point.checkpoint');
    const messages: string[] = [];
    log = await openPartitionLog('/p', smallConfig(), { fs, logger: (m) => messages.push(m) });
    expect(messages.some((m) => m.includes('CRC mismatch'))).toBe(true);
    const remaining = (await fs.readdir('/p')).filter((n) => n.endsWith('.log'));
    expect(remaining).toEqual(logs.slice(0, 2));
    const all = await readAll(log, 0);
    expect(all[all.length - 1].lastOffset + 1).toBe(log.logEndOffset);
    const next = await appendOne(log, makeBatch());
    expect(next.baseOffset).toBe(log.logEndOffset - 1);
    await log.close();
  });

  it('drops empty segments that follow a segment which lost its tail', async () => {
    const fs = new MemFileOps();
    let log = await openPartitionLog('/p', smallConfig(), { fs });
    for (let i = 0; i < 50; i++) await appendOne(log, makeBatch({ valueSize: 200 }));
    await log.close();
    const logs = (await fs.readdir('/p')).filter((n) => n.endsWith('.log'));
    expect(logs.length).toBeGreaterThanOrEqual(3);
    // Power loss: the second segment lost its last batch (cut on a batch boundary) and the
    // third segment's data never reached the disk.
    const second = fs.rawFile(`/p/${logs[1]}`) as Buffer;
    const kept = parseBatches([second]).slice(0, -1);
    fs.setRawFile(`/p/${logs[1]}`, Buffer.concat(kept.map((b) => b.bytes)));
    for (const later of logs.slice(2)) fs.setRawFile(`/p/${later}`, Buffer.alloc(0));
    await fs.unlink('/p/.clean-shutdown');
    await fs.unlink('/p/recovery-point.checkpoint');
    log = await openPartitionLog('/p', smallConfig(), { fs });
    expect(log.logEndOffset).toBe(kept[kept.length - 1].lastOffset + 1);
    expect((await fs.readdir('/p')).filter((n) => n.endsWith('.log'))).toEqual(logs.slice(0, 2));
    expect((await readAll(log, 0)).length).toBe(log.logEndOffset);
    await log.close();
  });

  it('only scans segments after the recovery point when the shutdown was not clean', async () => {
    const fs = new MemFileOps();
    const log = await openPartitionLog('/p', smallConfig(), { fs });
    for (let i = 0; i < 40; i++) await appendOne(log, makeBatch({ valueSize: 200 }));
    await log.flush(log.logEndOffset);
    await log.close();
    await fs.unlink('/p/.clean-shutdown');
    // Corrupt an old segment: below the recovery point it is trusted, not scanned.
    const logs = (await fs.readdir('/p')).filter((n) => n.endsWith('.log'));
    const old = fs.rawFile(`/p/${logs[0]}`) as Buffer;
    old[old.length - 5] ^= 0xff;
    fs.setRawFile(`/p/${logs[0]}`, old);
    const reopened = await openPartitionLog('/p', smallConfig(), { fs });
    expect((await fs.readdir('/p')).filter((n) => n.endsWith('.log'))).toEqual(logs);
    expect(reopened.logEndOffset).toBe(40);
    await reopened.close();
  });

  it('ignores a corrupt producer snapshot and one past the log end', async () => {
    await withTempDir(async (dir) => {
      let log = await openPartitionLog(dir, smallConfig());
      await appendOne(
        log,
        makeBatch({ producerId: 9, producerEpoch: 0, baseSequence: 0, count: 3 }),
      );
      await log.close();
      await writeFile(snapshotFile(dir, 3), Buffer.from('garbage'));
      await writeFile(snapshotFile(dir, 100), Buffer.from('from the future'));
      log = await openPartitionLog(dir, smallConfig());
      expect((await readdir(dir)).filter((n) => n.endsWith('.snapshot'))).toEqual([]);
      // State was rebuilt from the log: a retry is still recognised.
      const retry = await appendOne(
        log,
        makeBatch({ producerId: 9, producerEpoch: 0, baseSequence: 0, count: 3 }),
      ).catch(() => null);
      expect(retry).toMatchObject({ baseOffset: 0, lastOffset: 2 });
      expect((await stat(segmentFile(dir, 0, 'log'))).size).toBeGreaterThan(0);
      await log.close();
    });
  });
});
