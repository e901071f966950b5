/** IdempotentProducer (tools/java) from TypeScript: enable.idempotence=true, acks=all by default. */
import { createHash } from 'node:crypto';
import type { ClientOptions } from './java.js';
import { clientArgs, clientRunOptions, runJavaDriver } from './java.js';
import { num, ofType, single, str, strOrNull } from './json-shape.js';

export interface ProduceOptions extends ClientOptions {
  count: number;
  valueSize?: number;
  keyPrefix?: string;
  partition?: number;
  acks?: '0' | '1' | 'all';
  compression?: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
  /** Print only the summary (no per-record lines): for large counts. */
  quiet?: boolean;
}

export interface ProducedRecord {
  partition: number;
  offset: number;
  key: string;
  valueSha256: string;
}

export interface ProduceSummary {
  topic: string;
  sent: number;
  acked: number;
  errors: number;
  firstError: string | null;
  elapsedMs: number;
}

export async function produceIdempotent(
  bootstrap: string,
  topic: string,
  options: ProduceOptions,
): Promise<{ records: ProducedRecord[]; summary: ProduceSummary }> {
  const args = ['--bootstrap', bootstrap, '--topic', topic, '--count', String(options.count)];
  if (options.valueSize !== undefined) args.push('--value-size', String(options.valueSize));
  if (options.keyPrefix !== undefined) args.push('--key-prefix', options.keyPrefix);
  if (options.partition !== undefined) args.push('--partition', String(options.partition));
  if (options.acks !== undefined) args.push('--acks', options.acks);
  if (options.compression !== undefined) args.push('--compression', options.compression);
  if (options.quiet) args.push('--quiet');
  const lines = await runJavaDriver(
    'IdempotentProducer',
    clientArgs(args, options),
    clientRunOptions(options),
  );
  const records = ofType(lines, 'record').map((o) => ({
    partition: num(o, 'partition'),
    offset: num(o, 'offset'),
    key: str(o, 'key'),
    valueSha256: str(o, 'valueSha256'),
  }));
  const s = single(lines, 'summary');
  const summary: ProduceSummary = {
    topic: str(s, 'topic'),
    sent: num(s, 'sent'),
    acked: num(s, 'acked'),
    errors: num(s, 'errors'),
    firstError: strOrNull(s, 'firstError'),
    elapsedMs: num(s, 'elapsedMs'),
  };
  return { records, summary };
}

/** The value IdempotentProducer sends as record `index`: "value-{index}|" repeated, cut to size. */
export function expectedValue(index: number, size: number): Buffer {
  const unit = Buffer.from(`value-${index}|`, 'utf8');
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = unit[i % unit.length];
  return out;
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
