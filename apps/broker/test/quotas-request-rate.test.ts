/**
 * Request-rate quota (requests per second, Tributary's stand-in for Kafka's request-time
 * percentage): a client that sends requests back to back is answered with throttle_time_ms
 * and its connection muted, which holds it within 10% of its quota, while a client with
 * another client id on the same broker keeps going at its own pace. ApiVersions is exempt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiKey,
  CODECS,
  decodeResponseHeader,
  makeApiVersionsRequest,
  makeMetadataRequest,
  type ApiVersionsResponse,
  type MetadataResponse,
} from '@tributary/kafka-protocol';
import { RawClient } from './support/raw-client.js';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';
import { ADMIN_TOKEN, putLimits } from './support/usage-meter.js';

let tb: TestBroker;

beforeAll(async () => {
  tb = await startTestBroker({}, undefined, 0, { adminToken: ADMIN_TOKEN });
});
afterAll(async () => {
  await tb.stop();
});

async function callAs<T>(
  c: RawClient,
  clientId: string,
  apiKey: number,
  version: number,
  body: unknown,
): Promise<T> {
  c.send(c.frame(apiKey, version, body, clientId));
  const frame = await c.next(15_000);
  if (!frame) throw new Error('connection closed by broker');
  const { body: r } = decodeResponseHeader(apiKey, version, frame);
  return CODECS.get(apiKey)!.response.read(r, version) as T;
}

const metadata = makeMetadataRequest({ topics: [] });

/** Sends Metadata requests back to back for `ms`; returns answer times and throttles. */
async function hammer(
  c: RawClient,
  clientId: string,
  ms: number,
): Promise<{ at: number[]; throttles: number[] }> {
  const at: number[] = [];
  const throttles: number[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const r = await callAs<MetadataResponse>(c, clientId, ApiKey.Metadata, 12, metadata);
    at.push(Date.now());
    throttles.push(r.throttleTimeMs);
  }
  return { at, throttles };
}

function rateBetween(at: number[], from: number, to: number): number {
  const within = at.filter((t) => t >= from && t <= to);
  return ((within.length - 1) * 1000) / (within[within.length - 1] - within[0]);
}

describe('request-rate quota', () => {
  it('holds a client within 10% of its requests per second; another client id is unaffected', async () => {
    const quota = 40;
    await putLimits(tb, { quotas: [{ entity: { clientId: 'busy' }, requestsPerSecond: quota }] });
    const busy = await RawClient.connect(tb.port);
    const other = await RawClient.connect(tb.port);
    const start = Date.now();
    const [a, b] = await Promise.all([
      hammer(busy, 'busy', 10_000),
      hammer(other, 'other', 10_000),
    ]);
    const busyRate = rateBetween(a.at, start + 2000, start + 10_000);
    const otherRate = rateBetween(b.at, start + 2000, start + 10_000);
    console.log(
      `request quota ${quota}/s: busy ${busyRate.toFixed(1)} req/s (max throttle ${Math.max(...a.throttles)} ms), other ${otherRate.toFixed(1)} req/s`,
    );
    expect(busyRate / quota).toBeGreaterThan(0.9);
    expect(busyRate / quota).toBeLessThan(1.1);
    expect(a.throttles.filter((t) => t > 0).length).toBeGreaterThan(100);
    expect(b.throttles.every((t) => t === 0)).toBe(true);
    expect(otherRate).toBeGreaterThan(5 * quota);

    // The muted connection still answers, and ApiVersions is never throttled.
    const versions = await callAs<ApiVersionsResponse>(
      busy,
      'busy',
      ApiKey.ApiVersions,
      3,
      makeApiVersionsRequest({ clientSoftwareName: 'raw', clientSoftwareVersion: '1' }),
    );
    expect(versions.throttleTimeMs).toBe(0);

    // Swapped at runtime through the admin route: no restart, no reconnect.
    await putLimits(tb, { quotas: [{ entity: { clientId: 'other' }, requestsPerSecond: quota }] });
    const swapped = Date.now();
    const [c2, d2] = await Promise.all([hammer(other, 'other', 5000), hammer(busy, 'busy', 5000)]);
    const nowLimited = rateBetween(c2.at, swapped + 1500, swapped + 5000);
    const nowFree = rateBetween(d2.at, swapped + 1500, swapped + 5000);
    console.log(
      `after the swap: other ${nowLimited.toFixed(1)} req/s, busy ${nowFree.toFixed(1)} req/s`,
    );
    expect(nowLimited / quota).toBeGreaterThan(0.9);
    expect(nowLimited / quota).toBeLessThan(1.1);
    expect(nowFree).toBeGreaterThan(5 * quota);
    busy.close();
    other.close();
  }, 40_000);
});
