/**
 * Codecs for record batch payloads. Used only off the hot path (compaction, validation,
 * building batches in tests): produce and fetch pass compressed bytes through untouched.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import snappy from 'snappy';
import lz4 from 'lz4-napi';
import * as zstd from '@bokuweb/zstd-wasm';
import { CompressionCodec } from './batch-header.js';

let zstdReady: Promise<void> | undefined;

/** zstd runs in WebAssembly and must be initialised once before use. */
export function initCompression(): Promise<void> {
  zstdReady ??= zstd.init();
  return zstdReady;
}

// Java's xerial snappy frames data as: magic(8) version(4) compat(4) then [len(4) block]*
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);

function snappyDecompress(data: Buffer): Buffer {
  if (data.length >= 16 && data.subarray(0, 8).equals(XERIAL_MAGIC)) {
    const blocks: Buffer[] = [];
    let pos = 16;
    while (pos + 4 <= data.length) {
      const len = data.readInt32BE(pos);
      pos += 4;
      if (len < 0 || pos + len > data.length) throw new RangeError('truncated xerial snappy block');
      blocks.push(snappy.uncompressSync(data.subarray(pos, pos + len)) as Buffer);
      pos += len;
    }
    return Buffer.concat(blocks);
  }
  return snappy.uncompressSync(data) as Buffer;
}

export function decompress(codec: CompressionCodec, data: Buffer): Buffer {
  switch (codec) {
    case CompressionCodec.None:
      return data;
    case CompressionCodec.Gzip:
      return gunzipSync(data);
    case CompressionCodec.Snappy:
      return snappyDecompress(data);
    case CompressionCodec.Lz4:
      return lz4.decompressFrameSync(data);
    case CompressionCodec.Zstd:
      if (!zstdReady) throw new Error('call initCompression() before decompressing zstd');
      return Buffer.from(zstd.decompress(data));
    default:
      throw new RangeError(`unknown compression codec ${codec as number}`);
  }
}

export function compress(codec: CompressionCodec, data: Buffer): Buffer {
  switch (codec) {
    case CompressionCodec.None:
      return data;
    case CompressionCodec.Gzip:
      return gzipSync(data);
    case CompressionCodec.Snappy:
      return snappy.compressSync(data) as Buffer;
    case CompressionCodec.Lz4:
      return lz4.compressFrameSync(data);
    case CompressionCodec.Zstd:
      if (!zstdReady) throw new Error('call initCompression() before compressing zstd');
      return Buffer.from(zstd.compress(data, 3));
    default:
      throw new RangeError(`unknown compression codec ${codec as number}`);
  }
}
