import { describe, expect, it } from 'vitest';
import { usageSamples } from './usage-samples.js';

describe('usageSamples', () => {
  it('sends a read as is and an ended incarnation under its last sequence + 1', () => {
    const samples = usageSamples('lkc-x', 2, {
      incarnation: 'new',
      startedAt: 't0',
      sequence: 1,
      takenAt: '2026-01-01T00:00:01Z',
      cluster: { bytesIn: 5 },
      topics: {},
      previous: [
        {
          incarnation: 'old',
          startedAt: 't-1',
          sequence: 7,
          savedAt: '2026-01-01T00:00:00Z',
          final: true,
          cluster: { bytesIn: 900 },
          topics: { a: { bytesIn: 900 } },
        },
      ],
    });
    expect(samples).toEqual([
      {
        clusterId: 'lkc-x',
        brokerId: 2,
        incarnation: 'old',
        sequence: 8,
        takenAt: '2026-01-01T00:00:00Z',
        usage: {
          startedAt: 't-1',
          final: true,
          closing: true,
          cluster: { bytesIn: 900 },
          topics: { a: { bytesIn: 900 } },
        },
      },
      {
        clusterId: 'lkc-x',
        brokerId: 2,
        incarnation: 'new',
        sequence: 1,
        takenAt: '2026-01-01T00:00:01Z',
        usage: { startedAt: 't0', cluster: { bytesIn: 5 }, topics: {} },
      },
    ]);
  });
});
