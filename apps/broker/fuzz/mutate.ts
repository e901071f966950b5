/** Byte-level mutations of a request frame (size prefix included). */
import type { Rng } from '@tributary/kafka-protocol';

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0xfe];
const INTERESTING_32 = [0, -1, 1, 0x7fffffff, -0x80000000, 0x10000, 0xffff];

type Mutator = (f: Buffer, rand: Rng) => Buffer;

const mutators: Mutator[] = [
  // flip one bit
  (f, rand) => {
    const o = Buffer.from(f);
    if (o.length > 4) {
      const i = 4 + rand(o.length - 4);
      o[i] ^= 1 << rand(8);
    }
    return o;
  },
  // set a byte to an interesting value
  (f, rand) => {
    const o = Buffer.from(f);
    if (o.length > 4) o[4 + rand(o.length - 4)] = INTERESTING[rand(INTERESTING.length)];
    return o;
  },
  // overwrite an int32 somewhere (lengths, counts)
  (f, rand) => {
    const o = Buffer.from(f);
    if (o.length >= 12)
      o.writeInt32BE(INTERESTING_32[rand(INTERESTING_32.length)], 4 + rand(o.length - 8));
    return o;
  },
  // overwrite an int16 (string lengths, api key/version)
  (f, rand) => {
    const o = Buffer.from(f);
    if (o.length >= 8) o.writeInt16BE([-1, 0, 1, 0x7fff, -2][rand(5)], 4 + rand(o.length - 6));
    return o;
  },
  // truncate
  (f, rand) => f.subarray(0, 4 + rand(Math.max(1, f.length - 4))),
  // insert random bytes
  (f, rand) => {
    const at = 4 + rand(Math.max(1, f.length - 4));
    const junk = Buffer.from(Array.from({ length: 1 + rand(16) }, () => rand(256)));
    return Buffer.concat([f.subarray(0, at), junk, f.subarray(at)]);
  },
  // delete a range
  (f, rand) => {
    if (f.length <= 6) return f;
    const at = 4 + rand(f.length - 5);
    const len = 1 + rand(Math.min(16, f.length - at));
    return Buffer.concat([f.subarray(0, at), f.subarray(at + len)]);
  },
  // duplicate a range
  (f, rand) => {
    if (f.length <= 6) return f;
    const at = 4 + rand(f.length - 5);
    const len = 1 + rand(Math.min(32, f.length - at));
    return Buffer.concat([f.subarray(0, at + len), f.subarray(at, at + len), f.subarray(at + len)]);
  },
];

/**
 * Applies 1-3 mutations. Most of the time the size prefix is then fixed up so the broker
 * parses the mutated body; otherwise it is left wrong (or made huge) to test framing.
 */
export function mutateFrame(frame: Buffer, rand: Rng): Buffer {
  let f = frame;
  const n = 1 + rand(3);
  for (let i = 0; i < n; i++) f = mutators[rand(mutators.length)](f, rand);
  if (f.length < 4) return f;
  const out = Buffer.from(f);
  const mode = rand(10);
  if (mode < 8) out.writeInt32BE(out.length - 4, 0);
  else if (mode === 8) out.writeInt32BE(0x7fffffff, 0);
  return out;
}
