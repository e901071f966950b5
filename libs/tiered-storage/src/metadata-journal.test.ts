/** The metadata journal: durable replay, torn tails, legal transitions, compaction. */
import { mkdtemp, rm, appendFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemFileOps, nodeFileOps } from '@tributary/log-store';
import { MetadataJournal } from './metadata-journal.js';
import type { RemoteSegment } from './remote-segment.js';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = '';
});

const seg = (uploadId: string, state: RemoteSegment['state'], baseOffset = 0): RemoteSegment => ({
  uploadId,
  baseOffset,
  endOffset: baseOffset + 9,
  maxTimestamp: 5,
  segmentBytes: 100,
  objectBytes: 0,
  hasSnapshot: false,
  state,
  eventTimestamp: 1,
});

describe('MetadataJournal', () => {
  it('replays segment states and the log start, ignoring a torn last line', async () => {
    dir = await mkdtemp(join(tmpdir(), 'journal-'));
    const j = await MetadataJournal.open(nodeFileOps, dir, 't-0.journal');
    await j.recordSegment(seg('a', 'COPY_SEGMENT_STARTED'));
    await j.recordSegment(seg('a', 'COPY_SEGMENT_FINISHED'));
    await j.recordSegment(seg('b', 'COPY_SEGMENT_STARTED', 10));
    await j.recordLogStart(3);
    await appendFile(join(dir, 't-0.journal'), '{"segment":{"uploadId":"c","sta');
    const again = await MetadataJournal.open(nodeFileOps, dir, 't-0.journal');
    expect([...again.segments.values()].map((s) => [s.uploadId, s.state])).toEqual([
      ['a', 'COPY_SEGMENT_FINISHED'],
      ['b', 'COPY_SEGMENT_STARTED'],
    ]);
    expect(again.logStart).toBe(3);
    await again.recordSegment(seg('b', 'DELETE_SEGMENT_STARTED', 10));
    expect(
      (await readFile(join(dir, 't-0.journal'), 'utf8'))
        .split('\n')
        .every((l) => l === '' || JSON.parse(l)),
    ).toBeTruthy();
  });

  it('refuses illegal transitions', async () => {
    const fs = new MemFileOps();
    const j = await MetadataJournal.open(fs, '/m', 'x.journal');
    await expect(j.recordSegment(seg('a', 'COPY_SEGMENT_FINISHED'))).rejects.toThrow(/unknown/);
    await j.recordSegment(seg('a', 'COPY_SEGMENT_STARTED'));
    await j.recordSegment(seg('a', 'COPY_SEGMENT_FINISHED'));
    await expect(j.recordSegment(seg('a', 'COPY_SEGMENT_STARTED'))).rejects.toThrow(/not allowed/);
    await expect(j.recordSegment(seg('a', 'DELETE_SEGMENT_FINISHED'))).rejects.toThrow(
      /not allowed/,
    );
  });

  it('rewrites itself with only live state once finished deletions pile up', async () => {
    const fs = new MemFileOps();
    const j = await MetadataJournal.open(fs, '/m', 'x.journal');
    for (let i = 0; i < 100; i++) {
      const id = `u${i}`;
      for (const state of [
        'COPY_SEGMENT_STARTED',
        'COPY_SEGMENT_FINISHED',
        'DELETE_SEGMENT_STARTED',
        'DELETE_SEGMENT_FINISHED',
      ] as const)
        await j.recordSegment(seg(id, state, i * 10));
    }
    await j.recordSegment(seg('live', 'COPY_SEGMENT_STARTED', 5000));
    const size = (await fs.readFile('/m/x.journal'))!.length;
    expect(size).toBeLessThan(200 * 300);
    const again = await MetadataJournal.open(fs, '/m', 'x.journal');
    expect([...again.segments.keys()]).toEqual(['live']);
  });

  it('survives a failed fsync without recording the event', async () => {
    const fs = new MemFileOps();
    const j = await MetadataJournal.open(fs, '/m', 'x.journal');
    await j.recordSegment(seg('a', 'COPY_SEGMENT_STARTED'));
    fs.failNextSync();
    await expect(j.recordSegment(seg('a', 'COPY_SEGMENT_FINISHED'))).rejects.toThrow();
    expect(j.segments.get('a')?.state).toBe('COPY_SEGMENT_STARTED');
  });
});
