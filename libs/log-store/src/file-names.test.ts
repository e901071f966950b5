import { describe, expect, it } from 'vitest';
import {
  checkpointFile,
  offsetName,
  parseFileName,
  segmentFile,
  snapshotFile,
} from './file-names.js';

describe('file names', () => {
  it('zero-pads offsets to 20 digits inside the partition directory', () => {
    expect(offsetName(0)).toBe('00000000000000000000');
    expect(segmentFile('/d/t-0', 1234, 'log')).toBe('/d/t-0/00000000000000001234.log');
    expect(segmentFile('/d/t-0', 5, 'index', '.swap')).toBe(
      '/d/t-0/00000000000000000005.index.swap',
    );
    expect(snapshotFile('/d', 9)).toBe('/d/00000000000000000009.snapshot');
    expect(checkpointFile('/d', 'log-start-offset')).toBe('/d/log-start-offset.checkpoint');
  });

  it('parses what it builds and rejects the rest', () => {
    expect(parseFileName('00000000000000001234.timeindex.cleaned')).toEqual({
      type: 'segment',
      baseOffset: 1234,
      kind: 'timeindex',
      suffix: '.cleaned',
    });
    expect(parseFileName('00000000000000000042.snapshot')).toEqual({
      type: 'snapshot',
      offset: 42,
    });
    expect(parseFileName('log-start-offset.checkpoint.tmp')).toEqual({ type: 'temp' });
    expect(parseFileName('1234.log')).toEqual({ type: 'other' });
  });
});
