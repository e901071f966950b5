import { describe, expect, it } from 'vitest';
import { parseConsumerPerfOutput, parseProducerPerfOutput } from './kafka-perf.js';

// Captured from kafka-tools 4.4.0 against Apache Kafka 4.4.0.
const PRODUCER_OUT = `31890 records sent, 6332.4 records/sec (6.18 MB/sec), 6805.8 ms avg latency, 7937.0 ms max latency.
46275 records sent, 8241.3 records/sec (8.05 MB/sec), 3427.2 ms avg latency, 4449.0 ms max latency.
200000 records sent, 5279.134222 records/sec (5.16 MB/sec), 5041.17 ms avg latency, 7937.00 ms max latency, 5047 ms 50th, 7580 ms 95th, 7877 ms 99th, 7932 ms 99.9th.
`;
const PRODUCER_WARMUP_OUT = `9994 records sent, 1998.8 records/sec (1.95 MB/sec), 81.3 ms avg latency, 556.0 ms max latency.
30000 records sent, 1991.635132 records/sec (1.94 MB/sec), 407.73 ms avg latency, 1633.00 ms max latency, 11 ms 50th, 1560 ms 95th, 1613 ms 99th, 1628 ms 99.9th.
20000 steady state records sent, 1980.786372 records/sec (1.93 MB/sec), 44.64 ms avg latency, 556.00 ms max latency, 8 ms 50th, 323 ms 95th, 513 ms 99th, 540 ms 99.9th.
`;
const CONSUMER_OUT = `start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
2026-11-25 12:22:52:896, 2026-11-25 12:22:57:512, 195.3125, 42.3121, 200000, 43327.5563, 1023, 3593, 54.3592, 55663.7907
`;

describe('perf tool output parsing', () => {
  it('reads the final ProducerPerformance line, not the progress lines', () => {
    expect(parseProducerPerfOutput(PRODUCER_OUT)).toEqual({
      steadyState: false,
      records: 200000,
      recordsPerSec: 5279.134222,
      mbPerSec: 5.16,
      avgLatencyMs: 5041.17,
      maxLatencyMs: 7937,
      p50Ms: 5047,
      p95Ms: 7580,
      p99Ms: 7877,
      p999Ms: 7932,
    });
  });

  it('prefers the steady-state line when --warmup-records was given', () => {
    expect(parseProducerPerfOutput(PRODUCER_WARMUP_OUT)).toEqual({
      steadyState: true,
      records: 20000,
      recordsPerSec: 1980.786372,
      mbPerSec: 1.93,
      avgLatencyMs: 44.64,
      maxLatencyMs: 556,
      p50Ms: 8,
      p95Ms: 323,
      p99Ms: 513,
      p999Ms: 540,
    });
  });

  it('reads ConsumerPerformance CSV by column name', () => {
    expect(parseConsumerPerfOutput(CONSUMER_OUT)).toEqual({
      dataMb: 195.3125,
      mbPerSec: 42.3121,
      records: 200000,
      recordsPerSec: 43327.5563,
      rebalanceMs: 1023,
      fetchMs: 3593,
      fetchMbPerSec: 54.3592,
      fetchRecordsPerSec: 55663.7907,
    });
  });

  it('fails loudly when a summary is missing', () => {
    expect(() => parseProducerPerfOutput('1 records sent, 1 records/sec (0 MB/sec)')).toThrow();
    expect(() => parseConsumerPerfOutput('WARNING: nothing')).toThrow();
  });
});
