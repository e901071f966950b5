/**
 * Counts usage around the API handlers: one request per call, by API key, and the record
 * bytes each Fetch response hands out, per topic (after quota throttling, so an emptied
 * throttled response counts nothing). Produce bytes are counted by the produce handler at
 * append time, where each partition's outcome is known (acks=0 included).
 */
import { ApiKey, type FetchResponse } from '@tributary/kafka-protocol';
import { type AnyHandler, NO_RESPONSE, type RequestContext } from '../api/handler.js';
import { recordsBytes } from '../quotas/throttled-handlers.js';
import type { UsageCounters } from './usage-counters.js';

function countFetch(counters: UsageCounters, res: FetchResponse, ctx: RequestContext): void {
  for (const t of res.responses) {
    let bytes = 0;
    for (const p of t.partitions) bytes += recordsBytes(p.records);
    if (bytes === 0) continue;
    const name = ctx.apiVersion >= 13 ? ctx.broker.topics.getById(t.topicId)?.name : t.topic;
    counters.fetched(name ?? t.topicId, bytes);
  }
}

export function withUsageCounting(
  handlers: ReadonlyMap<number, AnyHandler>,
  counters: UsageCounters,
): Map<number, AnyHandler> {
  const out = new Map<number, AnyHandler>();
  for (const [key, h] of handlers) {
    out.set(key, {
      ...h,
      handle(req: unknown, ctx: RequestContext) {
        counters.request(key);
        const started = h.handle(req, ctx);
        if (key !== ApiKey.Fetch) return started;
        return Promise.resolve(started).then((res) => {
          if (res !== NO_RESPONSE) countFetch(counters, res as FetchResponse, ctx);
          return res;
        });
      },
    });
  }
  return out;
}
