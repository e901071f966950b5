/**
 * Random message values shaped by the generated schema: every field present in the given
 * version gets a random value of its type. Drives round-trip tests and the broker fuzzer.
 */
import { SCHEMA, type FieldSchema, type VersionSpan } from '../generated/schema.js';

export type Rng = (n: number) => number;

/** A small deterministic PRNG (LCG), so a failing seed can be replayed. */
export function seededRng(seed: number): Rng {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 1) % n;
  };
}

export const inSpan = (s: VersionSpan | null, v: number): boolean =>
  s !== null && v >= s[0] && v <= s[1];

function randomScalar(type: string, rand: Rng): unknown {
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

function randomField(f: FieldSchema, version: number, depth: number, rand: Rng): unknown {
  if (inSpan(f.nullable, version) && rand(5) === 0) return null;
  if (f.type.startsWith('[]')) {
    const n = depth > 3 ? 0 : rand(3);
    const el = f.type.slice(2);
    return Array.from({ length: n }, () =>
      el === 'struct' ? randomMessage(f.struct!, version, rand, depth + 1) : randomScalar(el, rand),
    );
  }
  if (f.type === 'struct') return randomMessage(f.struct!, version, rand, depth + 1);
  return randomScalar(f.type, rand);
}

/** A random value of struct `name` (e.g. "ProduceRequest") for `version`. */
export function randomMessage(
  name: string,
  version: number,
  rand: Rng,
  depth = 0,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of SCHEMA[name].fields) {
    if (inSpan(f.versions, version)) out[f.name] = randomField(f, version, depth, rand);
  }
  return out;
}
