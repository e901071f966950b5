import { beforeAll, describe, expect, it } from 'vitest';
import {
  CompressionCodec,
  batchCrcValid,
  readBatchHeader,
  setBaseOffset,
  setLogAppendTime,
} from './batch-header.js';
import { initCompression } from './compression.js';
import { crc32c } from './crc32c.js';
import { buildBatch, decodeRecords } from './records.js';
import { validateRecords } from './validate.js';

beforeAll(() => initCompression());

describe('crc32c', () => {
  it('matches the Castagnoli check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });
});

describe('record batches', () => {
  const records = [
    {
      key: Buffer.from('k1'),
      value: Buffer.from('v1'),
      headers: [{ key: 'h', value: Buffer.from('x') }],
    },
    { key: null, value: null },
    { key: Buffer.from('k3'), value: Buffer.alloc(5000, 7), timestampDelta: 12 },
  ];

  for (const codec of [
    CompressionCodec.None,
    CompressionCodec.Gzip,
    CompressionCodec.Snappy,
    CompressionCodec.Lz4,
    CompressionCodec.Zstd,
  ]) {
    it(`builds and decodes codec ${codec}`, () => {
      const batch = buildBatch({
        records,
        codec,
        baseTimestamp: 1000,
        producerId: 7,
        producerEpoch: 1,
        baseSequence: 0,
      });
      expect(batchCrcValid(batch)).toBe(true);
      const h = readBatchHeader(batch);
      expect(h.recordCount).toBe(3);
      expect(h.lastOffsetDelta).toBe(2);
      expect(h.attributes & 7).toBe(codec);
      expect(h.maxTimestamp).toBe(1012);
      const back = decodeRecords(batch);
      expect(back.map((r) => r.key?.toString() ?? null)).toEqual(['k1', null, 'k3']);
      expect(back[0].headers).toEqual([{ key: 'h', value: Buffer.from('x') }]);
      expect(back[1].value).toBeNull();
      expect(back[2].value?.equals(Buffer.alloc(5000, 7))).toBe(true);
      expect(validateRecords(batch, 1 << 20)).toEqual({
        ok: true,
        batches: [{ start: 0, size: batch.length }],
      });
    });
  }

  it('keeps the CRC valid when the base offset changes and recomputes it for LogAppendTime', () => {
    const batch = buildBatch({ records });
    setBaseOffset(batch, 123_456_789_012);
    expect(batchCrcValid(batch)).toBe(true);
    expect(readBatchHeader(batch).baseOffset).toBe(123_456_789_012);
    setLogAppendTime(batch, 99);
    expect(batchCrcValid(batch)).toBe(true);
    expect(readBatchHeader(batch).maxTimestamp).toBe(99);
  });

  it('reports each kind of bad batch', () => {
    const batch = buildBatch({ records });
    expect(validateRecords(batch.subarray(0, 40), 1 << 20)).toMatchObject({
      ok: false,
      problem: 'truncated',
    });
    expect(validateRecords(batch.subarray(0, batch.length - 1), 1 << 20)).toMatchObject({
      ok: false,
      problem: 'truncated',
    });
    const flipped = Buffer.from(batch);
    flipped[flipped.length - 1] ^= 0xff;
    expect(validateRecords(flipped, 1 << 20)).toMatchObject({ ok: false, problem: 'crc-mismatch' });
    const magic = Buffer.from(batch);
    magic[16] = 1;
    expect(validateRecords(magic, 1 << 20)).toMatchObject({ ok: false, problem: 'bad-magic' });
    expect(validateRecords(batch, 100)).toMatchObject({ ok: false, problem: 'too-large' });
    expect(validateRecords(Buffer.alloc(0), 100)).toMatchObject({ ok: false, problem: 'empty' });
    const control = buildBatch({ records, control: true });
    expect(validateRecords(control, 1 << 20)).toMatchObject({
      ok: false,
      problem: 'control-batch',
    });
    const two = Buffer.concat([batch, buildBatch({ records })]);
    expect(validateRecords(two, 1 << 20)).toMatchObject({ ok: true });
  });
});
