/**
 * Turns one read of a broker's usage (GET /v1/usage) into the control plane's samples. The
 * current incarnation's read is a sample as is (its sequence is the broker's). An earlier
 * incarnation's last saved record becomes its closing sample with sequence + 1: the broker
 * saves that record with the sequence of the last read (also at a clean stop and on its
 * periodic flush), so its counters may be above a sample already sent under that sequence,
 * and the control plane, which stores one sample per (cluster, broker, incarnation,
 * sequence), would drop it as a duplicate. No read ever carries sequence + 1 of an ended
 * incarnation, and resending the same record gives the same sample, so it is stored once.
 */
import type { UsageSample } from '@tributary/contracts';
import type { BrokerUsage } from '../broker-admin/broker-admin-client.js';

export function usageSamples(
  clusterId: string,
  brokerId: number,
  read: BrokerUsage,
): UsageSample[] {
  const closing = read.previous.map((p): UsageSample => ({
    clusterId,
    brokerId,
    incarnation: p.incarnation,
    sequence: p.sequence + 1,
    takenAt: p.savedAt,
    usage: {
      startedAt: p.startedAt,
      final: p.final,
      closing: true,
      cluster: p.cluster,
      topics: p.topics,
    },
  }));
  const { previous: _previous, incarnation, sequence, takenAt, ...usage } = read;
  return [...closing, { clusterId, brokerId, incarnation, sequence, takenAt, usage }];
}
