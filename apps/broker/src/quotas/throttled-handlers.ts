/**
 * Puts quota enforcement around the API handlers, so no handler has to know about quotas:
 *   - every request (but ApiVersions and the SASL exchange, which come before a principal is
 *     known) counts against the request-rate quota;
 *   - Produce records the bytes of the record batches it carries, after it is answered;
 *   - Fetch is capped at what the quota window can take (as Kafka does) and records the
 *     record bytes of its response; a client already over its fetch quota (or the pool's)
 *     gets an empty response with the throttle time and no read at all.
 * A throttled response carries throttle_time_ms and the connection is muted for that long
 * after the response is written (KIP-219); acks=0 produce has no response and is only muted.
 *
 * The wrapper calls the handler synchronously, so handlers still start in arrival order.
 */
import {
  ApiKey,
  ErrorCode,
  makeFetchResponse,
  type FetchRequest,
  type FetchResponse,
  type ProduceRequest,
  type RecordsData,
} from '@tributary/kafka-protocol';
import { type AnyHandler, NO_RESPONSE, type RequestContext } from '../api/handler.js';
import type { QuotaClient, QuotaManager } from './quota-manager.js';

/** Requests that precede authentication are never throttled (Kafka exempts them too). */
const EXEMPT: ReadonlySet<number> = new Set([
  ApiKey.ApiVersions,
  ApiKey.SaslHandshake,
  ApiKey.SaslAuthenticate,
]);

export function recordsBytes(records: RecordsData): number {
  if (records === null) return 0;
  if (Buffer.isBuffer(records)) return records.length;
  let n = 0;
  for (const b of records) n += b.length;
  return n;
}

export function produceRequestBytes(req: ProduceRequest): number {
  let n = 0;
  for (const t of req.topicData) for (const p of t.partitionData) n += recordsBytes(p.records);
  return n;
}

export function fetchResponseBytes(res: FetchResponse): number {
  let n = 0;
  for (const t of res.responses) for (const p of t.partitions) n += recordsBytes(p.records);
  return n;
}

function clientOf(ctx: RequestContext): QuotaClient {
  return { principal: ctx.connection.principal, clientId: ctx.clientId };
}

type Result = unknown;

/** Awaits the handler, asks `throttle` for the throttle time, and applies it. */
async function throttleAfter(
  started: Result | Promise<Result>,
  ctx: RequestContext,
  throttle: (response: Result) => number,
): Promise<Result> {
  const response = await started;
  const ms = throttle(response);
  if (ms > 0) {
    if (response !== NO_RESPONSE && hasThrottleField(response))
      response.throttleTimeMs = Math.max(response.throttleTimeMs, ms);
    ctx.muteAfterResponse(ms);
  }
  return response;
}

function hasThrottleField(v: unknown): v is { throttleTimeMs: number } {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { throttleTimeMs?: unknown }).throttleTimeMs === 'number'
  );
}

function produce(h: AnyHandler, quotas: QuotaManager): AnyHandler {
  return {
    ...h,
    handle(req: ProduceRequest, ctx: RequestContext) {
      const client = clientOf(ctx);
      const bytes = produceRequestBytes(req);
      return throttleAfter(h.handle(req, ctx), ctx, () => {
        const now = Date.now();
        return Math.max(
          quotas.recordRequest(client, now),
          quotas.recordProduce(client, bytes, now),
        );
      });
    },
  };
}

function fetch(h: AnyHandler, quotas: QuotaManager): AnyHandler {
  return {
    ...h,
    handle(req: FetchRequest, ctx: RequestContext) {
      const client = clientOf(ctx);
      const now = Date.now();
      const pending = quotas.fetchThrottle(client, now);
      if (pending > 0) {
        const ms = Math.max(pending, quotas.recordRequest(client, now));
        ctx.muteAfterResponse(ms);
        return makeFetchResponse({
          throttleTimeMs: ms,
          errorCode: ErrorCode.NONE,
          sessionId: 0,
          responses: [],
        });
      }
      const cap = quotas.fetchByteCap(client);
      if (cap < req.maxBytes) req.maxBytes = cap;
      return throttleAfter(h.handle(req, ctx), ctx, (res) => {
        const at = Date.now();
        return Math.max(
          quotas.recordRequest(client, at),
          quotas.recordFetch(client, fetchResponseBytes(res as FetchResponse), at),
        );
      });
    },
  };
}

function anyRequest(h: AnyHandler, quotas: QuotaManager): AnyHandler {
  return {
    ...h,
    handle(req: unknown, ctx: RequestContext) {
      const client = clientOf(ctx);
      return throttleAfter(h.handle(req, ctx), ctx, () => quotas.recordRequest(client));
    },
  };
}

export function withQuotas(
  handlers: ReadonlyMap<number, AnyHandler>,
  quotas: QuotaManager,
): Map<number, AnyHandler> {
  const out = new Map<number, AnyHandler>();
  for (const [key, h] of handlers) {
    if (EXEMPT.has(key)) out.set(key, h);
    else if (key === ApiKey.Produce) out.set(key, produce(h, quotas));
    else if (key === ApiKey.Fetch) out.set(key, fetch(h, quotas));
    else out.set(key, anyRequest(h, quotas));
  }
  return out;
}
