/** GroupConsumer (tools/java) from TypeScript: a consumer-group member that commits synchronously. */
import type { ClientOptions } from './java.js';
import { clientArgs, clientRunOptions, runJavaDriver } from './java.js';
import { bool, num, numberMap, ofType, single, str, strOrNull } from './json-shape.js';

export interface ConsumeOptions extends ClientOptions {
  group: string;
  /** Stop after this many records; the driver fails if it does not see them in time. */
  maxRecords?: number;
  /** Overall deadline passed to the driver (default 30 s); the process gets 30 s more. */
  consumeTimeoutMs?: number;
  autoOffsetReset?: 'earliest' | 'latest' | 'none';
  valueFormat?: 'sha256' | 'utf8' | 'base64' | 'none';
  groupProtocol?: 'classic' | 'consumer';
  /** Stop (after the current poll and commit) once this file exists. */
  stopFile?: string;
  /** Succeed with fewer than maxRecords when the deadline passes. */
  allowPartial?: boolean;
  quiet?: boolean;
}

export interface ConsumedRecord {
  partition: number;
  offset: number;
  key: string | null;
  timestamp: number;
  /** Set according to valueFormat: sha256 → valueSha256, utf8 → value, base64 → valueBase64. */
  valueSha256?: string | null;
  value?: string | null;
  valueBase64?: string | null;
}

export interface ConsumeSummary {
  topic: string;
  consumed: number;
  perPartition: Record<string, number>;
  /** Committed offset per partition after the last commit. */
  committed: Record<string, number>;
  timedOut: boolean;
  elapsedMs: number;
}

export async function consumeGroup(
  bootstrap: string,
  topic: string,
  options: ConsumeOptions,
): Promise<{ records: ConsumedRecord[]; summary: ConsumeSummary }> {
  const consumeTimeoutMs = options.consumeTimeoutMs ?? 30_000;
  const args = ['--bootstrap', bootstrap, '--topic', topic, '--group', options.group];
  args.push('--timeout-ms', String(consumeTimeoutMs));
  if (options.maxRecords !== undefined) args.push('--max-records', String(options.maxRecords));
  if (options.autoOffsetReset) args.push('--auto-offset-reset', options.autoOffsetReset);
  if (options.valueFormat) args.push('--value-format', options.valueFormat);
  if (options.groupProtocol) args.push('--group-protocol', options.groupProtocol);
  if (options.stopFile) args.push('--stop-file', options.stopFile);
  if (options.allowPartial) args.push('--allow-partial');
  if (options.quiet) args.push('--quiet');
  const lines = await runJavaDriver('GroupConsumer', clientArgs(args, options), {
    ...clientRunOptions(options),
    timeoutMs: options.timeoutMs ?? consumeTimeoutMs + 30_000,
  });
  const records = ofType(lines, 'record').map((o) => {
    const r: ConsumedRecord = {
      partition: num(o, 'partition'),
      offset: num(o, 'offset'),
      key: strOrNull(o, 'key'),
      timestamp: num(o, 'timestamp'),
    };
    if ('valueSha256' in o) r.valueSha256 = strOrNull(o, 'valueSha256');
    if ('value' in o) r.value = strOrNull(o, 'value');
    if ('valueBase64' in o) r.valueBase64 = strOrNull(o, 'valueBase64');
    return r;
  });
  const s = single(lines, 'summary');
  const summary: ConsumeSummary = {
    topic: str(s, 'topic'),
    consumed: num(s, 'consumed'),
    perPartition: numberMap(s, 'perPartition'),
    committed: numberMap(s, 'committed'),
    timedOut: bool(s, 'timedOut'),
    elapsedMs: num(s, 'elapsedMs'),
  };
  return { records, summary };
}
