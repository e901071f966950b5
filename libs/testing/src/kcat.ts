/**
 * kcat (librdkafka) as a second, non-Java reference client: produce with any compression codec,
 * consume a range back byte-for-byte, read metadata. Needs `kcat` on PATH (Debian: apt-get
 * install kcat) or KCAT set to its path.
 */
import { randomBytes } from 'node:crypto';
import type { ProcessResult } from './run-process.js';
import { runProcess } from './run-process.js';

export type KcatCompression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/** Maps to librdkafka's security.protocol / sasl.* / ssl.* settings. */
export interface KcatSecurity {
  protocol: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
  saslMechanism?: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  username?: string;
  password?: string;
  /** CA certificate file (PEM) that signed the broker's certificate. */
  caLocation?: string;
  /** "none" skips the broker host name check, for test certificates. */
  endpointIdentification?: 'https' | 'none';
}

export interface KcatOptions {
  bootstrap: string;
  /** librdkafka configs, passed as -X k=v. */
  properties?: Record<string, string>;
  security?: KcatSecurity;
  /** Kill kcat after this long (default 120 s). */
  timeoutMs?: number;
}

export interface KcatMessage {
  /** Omitted or null: no key. */
  key?: string | Buffer | null;
  /** null: a tombstone (NULL value). */
  value: string | Buffer | null;
}

export interface KcatProduceOptions extends KcatOptions {
  topic: string;
  partition?: number;
  compression?: KcatCompression;
}

export interface KcatRecord {
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
}

export function kcatExecutable(): string {
  return process.env.KCAT ?? 'kcat';
}

/**
 * Produces the messages in order (-P). Keys go through a key delimiter (-K) and messages
 * through a message delimiter (-D), both chosen so they occur in no key or value; NULL keys and
 * values use -Z. kcat itself cannot mix empty and NULL in one call, nor send an empty value
 * without a key; such input is rejected. Resolves when every message is acknowledged.
 */
export async function kcatProduce(
  options: KcatProduceOptions,
  messages: readonly KcatMessage[],
): Promise<void> {
  const values = messages.map((m) => toBuffer(m.value));
  const keys = messages.map((m) => toBuffer(m.key ?? null));
  const hasKeys = keys.some((k) => k !== null);
  const hasNull = values.some((v) => v === null) || (hasKeys && keys.some((k) => k === null));
  const hasEmpty =
    values.some((v) => v !== null && v.length === 0) ||
    (hasKeys && keys.some((k) => k !== null && k.length === 0));
  if (hasNull && hasEmpty) throw new Error('kcat cannot send empty and NULL keys/values together');
  if (!hasKeys && hasEmpty) throw new Error('kcat skips empty messages that have no key');

  const all = [...keys, ...values].filter((b): b is Buffer => b !== null);
  const delimiter = pickDelimiter(all, '\n');
  const keyDelimiter = hasKeys ? pickDelimiter(all, '\t') : undefined;
  const parts: Buffer[] = [];
  const d = Buffer.from(delimiter);
  const kd = keyDelimiter === undefined ? undefined : Buffer.from(keyDelimiter);
  messages.forEach((_, i) => {
    if (kd) parts.push(keys[i] ?? Buffer.alloc(0), kd);
    parts.push(values[i] ?? Buffer.alloc(0), d);
  });

  const args = ['-P', '-t', options.topic, '-D', escapeArg(delimiter)];
  if (keyDelimiter !== undefined) args.push('-K', escapeArg(keyDelimiter));
  if (hasNull) args.push('-Z');
  if (options.partition !== undefined) args.push('-p', String(options.partition));
  if (options.compression) args.push('-z', options.compression);
  await runKcat(options, args, Buffer.concat(parts));
}

/**
 * Produces a file (-l): messages separated by `delimiter` (default newline), each optionally
 * "key{keyDelimiter}value". Delimiters use kcat's escapes (\n, \t, \xNN).
 */
export async function kcatProduceFile(
  options: KcatProduceOptions & { delimiter?: string; keyDelimiter?: string },
  file: string,
): Promise<void> {
  const args = ['-P', '-t', options.topic, '-D', options.delimiter ?? '\\n', '-l', file];
  if (options.keyDelimiter !== undefined) args.push('-K', options.keyDelimiter);
  if (options.partition !== undefined) args.push('-p', String(options.partition));
  if (options.compression) args.push('-z', options.compression);
  await runKcat(options, args);
}

export interface KcatConsumeOptions extends KcatOptions {
  topic: string;
  /** Only this partition (default: all). */
  partition?: number;
  /** "beginning" (default), "end", an absolute offset, or a negative one (relative to the end). */
  offset?: 'beginning' | 'end' | number;
  /** Stop after this many messages. */
  count?: number;
  /** Stop at the end of every partition (default true). */
  exitAtEnd?: boolean;
}

/**
 * Consumes with the simple consumer (-C, no group) in a binary-safe format: a text header with
 * partition, offset, key length, value length and timestamp, then the raw key and value bytes.
 */
export async function kcatConsume(options: KcatConsumeOptions): Promise<KcatRecord[]> {
  const args = ['-C', '-q', '-t', options.topic, '-f', `%p %o %K %S %T\\n%k%s`];
  args.push('-o', String(options.offset ?? 'beginning'));
  if (options.partition !== undefined) args.push('-p', String(options.partition));
  if (options.count !== undefined) args.push('-c', String(options.count));
  if (options.exitAtEnd ?? true) args.push('-e');
  const result = await runKcat(options, args);
  return parseKcatRecords(result.stdout);
}

/** Parses the output format kcatConsume asks kcat for. */
export function parseKcatRecords(out: Buffer): KcatRecord[] {
  const records: KcatRecord[] = [];
  let pos = 0;
  while (pos < out.length) {
    const nl = out.indexOf(0x0a, pos);
    if (nl < 0) throw new Error(`kcat output: truncated header at byte ${pos}`);
    const fields = out.subarray(pos, nl).toString('latin1').split(' ').map(Number);
    if (fields.length !== 5 || fields.some((f) => !Number.isFinite(f))) {
      throw new Error(`kcat output: bad header at byte ${pos}`);
    }
    const [partition, offset, keyLength, valueLength, timestamp] = fields;
    pos = nl + 1;
    const take = (length: number): Buffer | null => {
      if (length < 0) return null;
      if (pos + length > out.length) throw new Error('kcat output: truncated record');
      const bytes = Buffer.from(out.subarray(pos, pos + length));
      pos += length;
      return bytes;
    };
    const key = take(keyLength);
    const value = take(valueLength);
    records.push({ partition, offset, key, value, timestamp });
  }
  return records;
}

export interface KcatMetadata {
  brokers: { id: number; name: string }[];
  topics: {
    topic: string;
    error?: string;
    partitions: { partition: number; leader: number; replicas: number[]; isrs: number[] }[];
  }[];
}

/** Cluster metadata as librdkafka sees it (-L -J). */
export async function kcatMetadata(
  options: KcatOptions & { topic?: string },
): Promise<KcatMetadata> {
  const args = ['-L', '-J'];
  if (options.topic !== undefined) args.push('-t', options.topic);
  const result = await runKcat(options, args);
  const raw = JSON.parse(result.stdout.toString('utf8')) as {
    brokers?: { id: number; name: string }[];
    topics?: {
      topic: string;
      error?: string;
      partitions?: {
        partition: number;
        leader: number;
        replicas?: { id: number }[];
        isrs?: { id: number }[];
      }[];
    }[];
  };
  return {
    brokers: raw.brokers ?? [],
    topics: (raw.topics ?? []).map((t) => ({
      topic: t.topic,
      ...(t.error !== undefined ? { error: t.error } : {}),
      partitions: (t.partitions ?? []).map((p) => ({
        partition: p.partition,
        leader: p.leader,
        replicas: (p.replicas ?? []).map((r) => r.id),
        isrs: (p.isrs ?? []).map((r) => r.id),
      })),
    })),
  };
}

/** -X settings for the given security options. */
export function kcatSecurityProperties(security: KcatSecurity): Record<string, string> {
  const p: Record<string, string> = { 'security.protocol': security.protocol.toLowerCase() };
  if (security.saslMechanism) p['sasl.mechanisms'] = security.saslMechanism;
  if (security.username !== undefined) p['sasl.username'] = security.username;
  if (security.password !== undefined) p['sasl.password'] = security.password;
  if (security.caLocation) p['ssl.ca.location'] = security.caLocation;
  if (security.endpointIdentification) {
    p['ssl.endpoint.identification.algorithm'] = security.endpointIdentification;
  }
  return p;
}

function runKcat(options: KcatOptions, args: string[], input?: Buffer): Promise<ProcessResult> {
  const props = {
    ...(options.security ? kcatSecurityProperties(options.security) : {}),
    ...options.properties,
  };
  const argv = ['-b', options.bootstrap, ...args];
  for (const [k, v] of Object.entries(props)) argv.push('-X', `${k}=${v}`);
  return runProcess(kcatExecutable(), argv, {
    timeoutMs: options.timeoutMs ?? 120_000,
    ...(input ? { input } : {}),
  });
}

function toBuffer(v: string | Buffer | null): Buffer | null {
  return v === null ? null : typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}

/** `preferred` if no payload contains it, else a random token (no backslash: kcat unescapes). */
function pickDelimiter(payloads: readonly Buffer[], preferred: string): string {
  const fits = (d: string): boolean => payloads.every((p) => !p.includes(d));
  if (fits(preferred)) return preferred;
  for (;;) {
    const token = `~${randomBytes(12).toString('hex')}~`;
    if (fits(token)) return token;
  }
}

function escapeArg(delimiter: string): string {
  return delimiter === '\n' ? '\\n' : delimiter === '\t' ? '\\t' : delimiter;
}
