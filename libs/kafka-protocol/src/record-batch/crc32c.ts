import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/** CRC-32C (Castagnoli) of `data`, via the maintained native implementation (SSE4.2 where available). */
export function crc32c(data: Buffer, initial = 0): number {
  return nativeCrc32c(data, initial) >>> 0;
}
