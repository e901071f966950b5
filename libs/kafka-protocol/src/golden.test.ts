/**
 * Golden bytes: frames real clients and Apache Kafka exchanged (golden/, captured by
 * golden/capture.ts) must decode with the generated codecs, leave nothing unread, and encode
 * back to the same bytes; spot checks prove fields land where Kafka put them.
 */
import { describe, expect, it } from 'vitest';
import { loadFixtures, type Fixture } from '../golden/fixtures.js';
import {
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestFrame,
  encodeResponseFrame,
} from './codec/frame.js';
import { Writer } from './codec/writer.js';
import { CODECS } from './generated/registry.js';

interface Decoded {
  correlationId: number;
  clientId: string | null;
  body: unknown;
  leftover: number;
  reencoded: Buffer;
}

function decode(f: Fixture): Decoded {
  const codecs = CODECS.get(f.apiKey)!;
  if (f.direction === 'request') {
    const { header, body: r } = decodeRequestHeader(f.bytes);
    expect(header.requestApiKey).toBe(f.apiKey);
    expect(header.requestApiVersion).toBe(f.version);
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
    return {
      correlationId: header.correlationId,
      clientId: header.clientId,
      body,
      leftover: r.remaining,
      reencoded: frame.subarray(4),
    };
  }
  const { correlationId, body: r } = decodeResponseHeader(f.apiKey, f.version, f.bytes);
  const body = codecs.response.read(r, f.version);
  const chunks = encodeResponseFrame(f.apiKey, f.version, correlationId, (w: Writer) =>
    codecs.response.write(w, body as never, f.version),
  );
  return {
    correlationId,
    clientId: null,
    body,
    leftover: r.remaining,
    reencoded: Buffer.concat(chunks).subarray(4),
  };
}

const fixtures = loadFixtures();

describe('golden frames', () => {
  it('has fixtures', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });
  for (const f of fixtures) {
    it(`${f.file}: decodes fully and re-encodes to the same bytes`, () => {
      const d = decode(f);
      expect(d.leftover, 'bytes left after the body').toBe(0);
      expect(d.reencoded.toString('hex')).toBe(f.bytes.toString('hex'));
    });
  }
});
