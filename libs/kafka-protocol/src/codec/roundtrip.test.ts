/**
 * decode(encode(x)) for every API, both directions, every valid version, with random values
 * shaped by the generated schema; then encode(decode(bytes)) must reproduce the bytes.
 */
import { describe, expect, it } from 'vitest';
import { CODECS } from '../generated/registry.js';
import { API_SPECS } from '../generated/api-keys.js';
import { SCHEMA } from '../generated/schema.js';
import { inSpan, randomMessage, seededRng } from '../testing/random-message.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

const rand = seededRng(12345);
const randomStruct = (name: string, version: number, _depth: number) =>
  randomMessage(name, version, rand);

/** Checks that every field present in `version` survived the round trip. */
function expectSame(
  name: string,
  version: number,
  want: Record<string, unknown>,
  got: Record<string, unknown>,
  path: string,
): void {
  for (const f of SCHEMA[name].fields) {
    if (!inSpan(f.versions, version)) continue;
    const w = want[f.name];
    const g = got[f.name];
    const p = `${path}.${f.name}`;
    if (w === null || g === null) {
      expect(g, p).toEqual(w);
    } else if (f.type === 'struct') {
      expectSame(f.struct!, version, w as Record<string, unknown>, g as Record<string, unknown>, p);
    } else if (f.type === '[]struct') {
      const wa = w as Record<string, unknown>[];
      const ga = g as Record<string, unknown>[];
      expect(ga.length, p).toBe(wa.length);
      wa.forEach((item, i) => expectSame(f.struct!, version, item, ga[i], `${p}[${i}]`));
    } else if (Buffer.isBuffer(w)) {
      expect(Buffer.compare(g as Buffer, w), p).toBe(0);
    } else {
      expect(g, p).toEqual(w);
    }
  }
}

describe('generated codecs round-trip', () => {
  for (const [key, codecs] of CODECS) {
    const spec = API_SPECS.get(key)!;
    it(`${spec.name} (key ${key}) v${spec.minVersion}-${spec.maxVersion}`, () => {
      for (let version = spec.minVersion; version <= spec.maxVersion; version++) {
        for (const dir of ['Request', 'Response'] as const) {
          const codec = dir === 'Request' ? codecs.request : codecs.response;
          const name = spec.name + dir;
          for (let trial = 0; trial < 4; trial++) {
            const value = randomStruct(name, version, 0);
            const flexible = inSpan(SCHEMA[name].flexible, version);
            if (flexible && trial === 3)
              value.unknownTaggedFields = [{ tag: 9000 + trial, data: Buffer.from([1, 2, 3]) }];
            const w1 = new Writer(16);
            codec.write(w1, value as never, version);
            const bytes = w1.toBuffer();
            const r = new Reader(bytes);
            const decoded = codec.read(r, version) as Record<string, unknown>;
            expect(r.remaining, `${name} v${version} leftover`).toBe(0);
            expectSame(name, version, value, decoded, `${name}v${version}`);
            const w2 = new Writer(16);
            codec.write(w2, decoded as never, version);
            expect(w2.toBuffer().equals(bytes), `${name} v${version} re-encode`).toBe(true);
          }
        }
      }
    });
  }
});
