import { describe, expect, it } from 'vitest';
import { parseDumpLogSegments } from './log-dump.js';

// Captured from kafka-tools 4.4.0 DumpLogSegments.
const OUT = `Dumping /tmp/kt/data/kc2-0/00000000000000000000.log
Log starting offset: 0
baseOffset: 0 lastOffset: 0 count: 1 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: 1795609653374 size: 78 magic: 2 compresscodec: none crc: 3560989412 isvalid: true
baseOffset: 1 lastOffset: 2 count: 2 baseSequence: 0 lastSequence: 1 producerId: 7 producerEpoch: 0 partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: 78 CreateTime: 1795609653374 size: 95 magic: 2 compresscodec: zstd crc: 2168215292 isvalid: false
`;

describe('parseDumpLogSegments', () => {
  it('reads one entry per batch line', () => {
    const batches = parseDumpLogSegments(OUT);
    expect(batches).toHaveLength(2);
    expect(batches[0]).toMatchObject({
      baseOffset: 0,
      lastOffset: 0,
      count: 1,
      compressCodec: 'none',
      isValid: true,
    });
    expect(batches[1]).toMatchObject({
      baseOffset: 1,
      count: 2,
      producerId: 7,
      baseSequence: 0,
      compressCodec: 'zstd',
      isValid: false,
      position: 78,
      size: 95,
    });
    expect(batches[1].fields.crc).toBe('2168215292');
  });
});
