/**
 * decode(encode(x)) for every API, both directions, every valid version, with random values
 * shaped by the generated schema; then encode(decode(bytes)) must reproduce the bytes.
 */
import { describe, expect, it } from 'vitest';
import { CODECS } from '../generated/registry.js';
import { API_SPECS } from '../generated/api-keys.js';
import { SCHEMA, type FieldSchema, type VersionSpan } from '../generated/schema.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

let seed = 12345;
function rand(n: number): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
}

const inSpan = (s: VersionSpan | null, v: number): boolean => s !== null && v >= s[0] && v <= s[1];

function randomScalar(type: string): unknown {
  switch (type) {
    case 'int8':
      return rand(256) - 128;
    case 'int16':
      return rand(65536) - 32768;
    case 'uint16':
      return rand(65536);
    case 'int32':
      return rand(0x7fffffff) - 0x3fffffff;
    case 'uint32':
      return rand(0x7fffffff) * 2;
    case 'int64':
      return (rand(0x1fffff) - 0xfffff) * 0x1_0000_0000 + rand(0x7fffffff);
    case 'float64':
      return rand(100000) / 7;
    case 'bool':
      return rand(2) === 1;
    case 'string':
      return ['', 'a', 'topic-1', 'ünïcødé', 'x'.repeat(rand(300))][rand(5)];
    case 'bytes':
    case 'records':
      return Buffer.from(Array.from({ length: rand(40) }, () => rand(256)));
    case 'uuid': {
      const hex = Array.from({ length: 32 }, () => '0123456789abcdef'[rand(16)]).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
    default:
      throw new Error(`unknown type ${type}`);
  }
}

function randomField(f: FieldSchema, version: number, depth: number): unknown {
  if (inSpan(f.nullable, version) && rand(5) === 0) return null;
  if (f.type.startsWith('[]')) {
    const n = depth > 3 ? 0 : rand(3);
    const el = f.type.slice(2);
    return Array.from({ length: n }, () =>
      el === 'struct' ? randomStruct(f.struct!, version, depth + 1) : randomScalar(el),
    );
  }
  if (f.type === 'struct') return randomStruct(f.struct!, version, depth + 1);
  return randomScalar(f.type);
}

function randomStruct(name: string, version: number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of SCHEMA[name].fields) {
    if (inSpan(f.versions, version)) out[f.name] = randomField(f, version, depth);
  }
  return out;
}

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
