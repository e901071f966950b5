import { describe, expect, it } from 'vitest';
import { ApiKey, makeFetchResponse, makeMetadataResponse } from '@tributary/kafka-protocol';
import { type AnyHandler, NO_RESPONSE, type RequestContext } from '../api/handler.js';
import { parseLimits } from './limits.js';
import { QuotaManager } from './quota-manager.js';
import { withQuotas } from './throttled-handlers.js';

async function quotas(doc: unknown): Promise<QuotaManager> {
  const qm = new QuotaManager({ window: { samples: 11, sampleMs: 1000 }, maxThrottleMs: 10_000 });
  const parsed = parseLimits(doc);
  if (!parsed.ok) throw new Error('bad limits');
  await qm.replace(parsed.limits);
  return qm;
}

function handler(apiKey: number, handle: AnyHandler['handle']): AnyHandler {
  return {
    apiKey,
    minVersion: 0,
    maxVersion: 20,
    readRequest: () => ({}),
    writeResponse: () => undefined,
    handle,
  };
}

function context(clientId: string): RequestContext & { muted: number[] } {
  const muted: number[] = [];
  return {
    muted,
    connection: { principal: 'User:ANONYMOUS' },
    clientId,
    apiVersion: 12,
    muteAfterResponse: (ms: number) => muted.push(ms),
  } as unknown as RequestContext & { muted: number[] };
}

const records = (n: number) => [
  { name: 't', partitionData: [{ index: 0, records: Buffer.alloc(n) }] },
];

describe('withQuotas', () => {
  it('starts the handler synchronously, then throttles the response and mutes the connection', async () => {
    const qm = await quotas({
      quotas: [{ entity: { clientId: 'p' }, produceBytesPerSecond: 1000 }],
    });
    const started: number[] = [];
    const produce = handler(ApiKey.Produce, async () => {
      started.push(1);
      await Promise.resolve();
      return { throttleTimeMs: 0, responses: [] };
    });
    const wrapped = withQuotas(new Map([[ApiKey.Produce, produce]]), qm).get(ApiKey.Produce)!;
    const ctx = context('p');
    const pending = wrapped.handle({ topicData: records(3000) }, ctx);
    expect(started).toEqual([1]); // before any await of the caller
    expect(await pending).toEqual({ throttleTimeMs: 2000, responses: [] });
    expect(ctx.muted).toEqual([2000]);
  });

  it('mutes an acks=0 produce that has no response', async () => {
    const qm = await quotas({
      quotas: [{ entity: { clientId: 'p' }, produceBytesPerSecond: 1000 }],
    });
    const produce = handler(ApiKey.Produce, () => NO_RESPONSE);
    const wrapped = withQuotas(new Map([[ApiKey.Produce, produce]]), qm).get(ApiKey.Produce)!;
    const ctx = context('p');
    expect(await wrapped.handle({ topicData: records(2000) }, ctx)).toBe(NO_RESPONSE);
    expect(ctx.muted).toEqual([1000]);
  });

  it('caps fetches, and answers a client already over its quota empty without reading', async () => {
    const qm = await quotas({ quotas: [{ entity: { clientId: 'c' }, fetchBytesPerSecond: 1000 }] });
    const seen: number[] = [];
    const fetch = handler(ApiKey.Fetch, (req: { maxBytes: number }) => {
      seen.push(req.maxBytes);
      return makeFetchResponse({
        responses: [
          { topic: 't', partitions: [{ partitionIndex: 0, records: Buffer.alloc(3000) }] },
        ],
      } as never);
    });
    const wrapped = withQuotas(new Map([[ApiKey.Fetch, fetch]]), qm).get(ApiKey.Fetch)!;
    const ctx = context('c');
    const first = (await wrapped.handle({ maxBytes: 50_000_000 }, ctx)) as {
      throttleTimeMs: number;
    };
    expect(seen).toEqual([1000]);
    expect(first.throttleTimeMs).toBe(2000);
    const second = (await wrapped.handle({ maxBytes: 50_000_000 }, ctx)) as {
      throttleTimeMs: number;
      responses: unknown[];
    };
    expect(seen).toHaveLength(1); // not read
    expect(second.responses).toEqual([]);
    expect(second.throttleTimeMs).toBeGreaterThan(1900);
  });

  it('throttles other APIs by request rate and leaves ApiVersions alone', async () => {
    const qm = await quotas({ quotas: [{ entity: { clientId: 'm' }, requestsPerSecond: 1 }] });
    const metadata = handler(ApiKey.Metadata, () => makeMetadataResponse({}));
    const versions = handler(ApiKey.ApiVersions, () => ({ throttleTimeMs: 0 }));
    const wrapped = withQuotas(
      new Map([
        [ApiKey.Metadata, metadata],
        [ApiKey.ApiVersions, versions],
      ]),
      qm,
    );
    expect(wrapped.get(ApiKey.ApiVersions)).toBe(versions);
    const ctx = context('m');
    const m = wrapped.get(ApiKey.Metadata)!;
    expect(((await m.handle({}, ctx)) as { throttleTimeMs: number }).throttleTimeMs).toBe(0);
    expect(((await m.handle({}, ctx)) as { throttleTimeMs: number }).throttleTimeMs).toBe(1000);
    expect(ctx.muted).toEqual([1000]);
  });
});
