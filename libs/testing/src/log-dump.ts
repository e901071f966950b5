/**
 * Kafka's own segment reader (kafka-tools DumpLogSegments) as an oracle for log files: it tells
 * how Apache Kafka reads a .log segment (batch boundaries, codecs, producer ids, CRC validity),
 * whichever broker wrote it.
 */
import { CLIENT_JVM_ARGS, runJavaMain } from './java.js';

export interface DumpedBatch {
  baseOffset: number;
  lastOffset: number;
  count: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  /** "none", "gzip", "snappy", "lz4" or "zstd", as Kafka names them. */
  compressCodec: string;
  isTransactional: boolean;
  isControl: boolean;
  isValid: boolean;
  position: number;
  size: number;
  /** Every "name: value" pair of the line, as printed. */
  fields: Record<string, string>;
}

/** Batches of a segment file, in file order. */
export async function dumpLogSegment(file: string, timeoutMs = 120_000): Promise<DumpedBatch[]> {
  const result = await runJavaMain('org.apache.kafka.tools.DumpLogSegments', ['--files', file], {
    jvmArgs: CLIENT_JVM_ARGS,
    timeoutMs,
  });
  return parseDumpLogSegments(result.stdout.toString('utf8'));
}

export function parseDumpLogSegments(stdout: string): DumpedBatch[] {
  const batches: DumpedBatch[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('baseOffset:')) continue;
    const fields: Record<string, string> = {};
    for (const m of line.matchAll(/(\w+): (\S+)/g)) fields[m[1]] = m[2];
    const n = (k: string): number => {
      const v = Number(fields[k]);
      if (!Number.isFinite(v)) throw new Error(`DumpLogSegments: no number for ${k} in: ${line}`);
      return v;
    };
    batches.push({
      baseOffset: n('baseOffset'),
      lastOffset: n('lastOffset'),
      count: n('count'),
      producerId: n('producerId'),
      producerEpoch: n('producerEpoch'),
      baseSequence: n('baseSequence'),
      compressCodec: fields.compresscodec ?? 'unknown',
      isTransactional: fields.isTransactional === 'true',
      isControl: fields.isControl === 'true',
      isValid: fields.isvalid === 'true',
      position: n('position'),
      size: n('size'),
      fields,
    });
  }
  return batches;
}
