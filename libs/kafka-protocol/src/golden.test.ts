/**
 * Golden bytes: frames that real clients and Apache Kafka exchanged (golden/, captured by
 * golden/capture.ts; see golden/INDEX.md) must decode with the generated codecs, leave nothing
 * unread, and encode back to the very same bytes. Round trips cannot catch a mistake made the
 * same way in read and write (a field at the wrong offset or width), so golden/spot-checks.ts
 * compares decoded values with what the capture session did.
 */
import { describe, expect, it } from 'vitest';
import { loadFixtures, loadSession, type Fixture } from '../golden/fixtures.js';
import {
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestFrame,
  encodeResponseFrame,
} from './codec/frame.js';
import { ApiKey } from './generated/api-keys.js';
import type { MetadataResponse } from './generated/metadata.js';
import { CODECS } from './generated/registry.js';
import { SPOT_CHECKS } from '../golden/spot-checks.js';

const fixtures = loadFixtures();
const session = loadSession();

interface Decoded {
  correlationId: number;
  clientId: string | null;
  body: unknown;
  leftover: number;
  reencoded: Buffer;
}

/** Header + body with the generated codecs, then the same frame encoded again. */
function decode(f: Fixture): Decoded {
  const codecs = CODECS.get(f.apiKey)!;
  if (f.direction === 'request') {
    const { header, body: r } = decodeRequestHeader(f.bytes);
    expect([header.requestApiKey, header.requestApiVersion]).toEqual([f.apiKey, f.version]);
    const body = codecs.request.read(r, f.version);
    const frame = encodeRequestFrame(
      {
        apiKey: f.apiKey,
        apiVersion: f.version,
        correlationId: header.correlationId,
        clientId: header.clientId,
      },
      (w) => codecs.request.write(w, body as never, f.version),
    );
    const { correlationId, clientId } = header;
    return { correlationId, clientId, body, leftover: r.remaining, reencoded: frame.subarray(4) };
  }
  const { correlationId, body: r } = decodeResponseHeader(f.apiKey, f.version, f.bytes);
  const body = codecs.response.read(r, f.version);
  const chunks = encodeResponseFrame(f.apiKey, f.version, correlationId, (w) =>
    codecs.response.write(w, body as never, f.version),
  );
  const reencoded = Buffer.concat(chunks).subarray(4);
  return { correlationId, clientId: null, body, leftover: r.remaining, reencoded };
}

/** APIs the capture must cover, requests and responses, at least with one client. */
const REQUIRED = [
  'ApiVersions',
  'Metadata',
  'Produce',
  'Fetch',
  'ListOffsets',
  'FindCoordinator',
  'JoinGroup',
  'SyncGroup',
  'Heartbeat',
  'LeaveGroup',
  'OffsetCommit',
  'OffsetFetch',
  'InitProducerId',
  'CreateTopics',
  'DeleteTopics',
  'DescribeConfigs',
  'DescribeCluster',
  'CreatePartitions',
  'DeleteRecords',
  'OffsetForLeaderEpoch',
] as const;

describe('golden frames', () => {
  it('cover the APIs real clients use, both directions, and every fixture has spot checks', () => {
    const have = new Set(fixtures.map((f) => `${f.apiName} ${f.direction}`));
    for (const name of REQUIRED) {
      expect(have, name).toContain(`${name} request`);
      expect(have, name).toContain(`${name} response`);
    }
    expect(fixtures.filter((f) => !SPOT_CHECKS.has(f.apiKey)).map((f) => f.file)).toEqual([]);
  });

  it('spot checks notice a value decoded from the wrong place', () => {
    const f = fixtures.find((x) => x.apiKey === ApiKey.Metadata && x.direction === 'response')!;
    const body = decode(f).body as MetadataResponse;
    const ctx = { v: f.version, ...session.clients[f.client] };
    SPOT_CHECKS.get(ApiKey.Metadata)!.response(body, ctx);
    body.brokers[0].port ^= 0x100; // as if one byte of the port came from elsewhere
    expect(() => SPOT_CHECKS.get(ApiKey.Metadata)!.response(body, ctx)).toThrow();
  });

  describe.each(Object.keys(session.clients))('%s', (client) => {
    const { topics, groups } = session.clients[client];
    for (const f of fixtures.filter((x) => x.client === client)) {
      it(f.file.slice(client.length + 1), () => {
        const d = decode(f);
        expect(d.leftover, 'bytes left after the body').toBe(0);
        expect(d.reencoded.toString('hex'), 're-encoded').toBe(f.bytes.toString('hex'));
        if (f.direction === 'request') expect(d.clientId).toMatch(/\S/);
        if (client.startsWith('kafkajs') && f.direction === 'request') {
          expect(d.clientId).toBe('golden-kafkajs');
        }
        SPOT_CHECKS.get(f.apiKey)?.[f.direction](d.body, { v: f.version, topics, groups });
      });
    }
  });
});
