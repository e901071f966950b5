/**
 * Cumulative usage counters of one broker incarnation (one process start): they start at
 * zero and only grow. Gauges (connections, partitions, stored bytes) are not kept here; they
 * are read when a snapshot is taken.
 */
import { ApiKey } from '@tributary/kafka-protocol';

export interface TopicCounters {
  /** Record-batch bytes appended by Produce. */
  bytesIn: number;
  /** Record bytes returned by Fetch. */
  bytesOut: number;
}

export interface ClusterCounters extends TopicCounters {
  /** Requests handled, all APIs. */
  requests: number;
  /** Requests handled per API, by Kafka API name (`Produce`, `Fetch`, ...). */
  requestsByApi: Record<string, number>;
}

/** What one incarnation has counted: the part persisted and handed to collectors. */
export interface CountersSnapshot {
  cluster: ClusterCounters;
  topics: Record<string, TopicCounters>;
}

const API_NAMES = new Map<number, string>(
  Object.entries(ApiKey).map(([name, key]) => [key as number, name]),
);

export class UsageCounters {
  private bytesIn = 0;
  private bytesOut = 0;
  private requests = 0;
  private readonly byApi = new Map<number, number>();
  /** Kept after a topic is deleted: its counts stay part of this incarnation's totals. */
  private readonly topics = new Map<string, TopicCounters>();

  produced(topic: string, bytes: number): void {
    this.bytesIn += bytes;
    this.topic(topic).bytesIn += bytes;
  }

  fetched(topic: string, bytes: number): void {
    if (bytes === 0) return;
    this.bytesOut += bytes;
    this.topic(topic).bytesOut += bytes;
  }

  request(apiKey: number): void {
    this.requests++;
    this.byApi.set(apiKey, (this.byApi.get(apiKey) ?? 0) + 1);
  }

  private topic(name: string): TopicCounters {
    let t = this.topics.get(name);
    if (!t) {
      t = { bytesIn: 0, bytesOut: 0 };
      this.topics.set(name, t);
    }
    return t;
  }

  snapshot(): CountersSnapshot {
    const requestsByApi: Record<string, number> = {};
    for (const [key, n] of [...this.byApi].sort((a, b) => a[0] - b[0]))
      requestsByApi[API_NAMES.get(key) ?? `api-${key}`] = n;
    const topics: Record<string, TopicCounters> = {};
    for (const name of [...this.topics.keys()].sort()) topics[name] = { ...this.topics.get(name)! };
    return {
      cluster: {
        bytesIn: this.bytesIn,
        bytesOut: this.bytesOut,
        requests: this.requests,
        requestsByApi,
      },
      topics,
    };
  }
}
