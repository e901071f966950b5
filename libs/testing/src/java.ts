import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from './repo-root.js';
import type { ProcessResult, RunProcessOptions } from './run-process.js';
import { runProcess } from './run-process.js';

/** The Java side of the harness, as built by tools/java/fetch.sh. */
export interface JavaTools {
  /** tools/java */
  dir: string;
  /** tools/java/lib: every jar (drivers, Kafka clients, perf tools, broker). */
  libDir: string;
  /** Class path covering all of libDir, for `java -cp`. */
  classpath: string;
  /** The one Apache Kafka version used for clients, tools and the reference broker. */
  kafkaVersion: string;
}

/** The drivers compiled from tools/java/src (package dev.tributary.clients). */
export type JavaDriverName = 'IdempotentProducer' | 'GroupConsumer' | 'AdminOps';

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Small-heap, fast-start flags for short-lived client processes. */
export const CLIENT_JVM_ARGS: readonly string[] = [
  '-Xmx256m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
];
/** Flags for long-running JVMs whose speed matters (perf tools), as Kafka's scripts use G1. */
export const SERVER_JVM_ARGS: readonly string[] = [
  '-Xmx512m',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
];

let pending: Promise<JavaTools> | undefined;

/**
 * Runs tools/java/fetch.sh once per process (it is itself a no-op when lib/ is current) and
 * describes the result. The first run on a machine downloads jars from Maven Central.
 */
export function ensureJavaTools(): Promise<JavaTools> {
  pending ??= buildJavaTools().catch((e: unknown) => {
    pending = undefined;
    throw e;
  });
  return pending;
}

async function buildJavaTools(): Promise<JavaTools> {
  const dir = join(repoRoot(), 'tools', 'java');
  await runProcess('bash', [join(dir, 'fetch.sh')], { timeoutMs: 15 * 60_000 });
  const libDir = join(dir, 'lib');
  const kafkaVersion = (await readFile(join(libDir, 'kafka.version'), 'utf8')).trim();
  return { dir, libDir, classpath: join(libDir, '*'), kafkaVersion };
}

/** `java` from JAVA_HOME when set, else from PATH. */
export function javaExecutable(): string {
  const home = process.env.JAVA_HOME;
  return home ? join(home, 'bin', 'java') : 'java';
}

export interface JavaCommandOptions {
  /** Replaces the default JVM flags (CLIENT_JVM_ARGS). */
  jvmArgs?: readonly string[];
  /** Root log level of Kafka's logging, which goes to stderr (default WARN). */
  logLevel?: 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';
}

/** The argv that runs `mainClass` on the harness class path (for callers that spawn it). */
export async function javaCommand(
  mainClass: string,
  args: readonly string[],
  options: JavaCommandOptions = {},
): Promise<{ command: string; args: string[] }> {
  const tools = await ensureJavaTools();
  return {
    command: javaExecutable(),
    args: [
      ...(options.jvmArgs ?? CLIENT_JVM_ARGS),
      `-Dtributary.log.level=${options.logLevel ?? 'WARN'}`,
      '-Djava.awt.headless=true',
      '-cp',
      tools.classpath,
      mainClass,
      ...args,
    ],
  };
}

export type JavaRunOptions = Omit<RunProcessOptions, 'cwd'> & JavaCommandOptions;

/** Runs any main class from tools/java/lib to completion (rejects on non-zero exit). */
export async function runJavaMain(
  mainClass: string,
  args: readonly string[],
  options: JavaRunOptions = {},
): Promise<ProcessResult> {
  const { command, args: argv } = await javaCommand(mainClass, args, options);
  return runProcess(command, argv, options);
}

/**
 * Runs one of our drivers and returns its stdout as parsed JSON lines. Rejects with a
 * ProcessError (stderr included) when the driver exits non-zero.
 */
export async function runJavaDriver(
  name: JavaDriverName,
  args: readonly string[],
  options: JavaRunOptions = {},
): Promise<JsonObject[]> {
  const result = await runJavaMain(`dev.tributary.clients.${name}`, args, options);
  return parseJsonLines(result.stdout.toString('utf8'));
}

/** Parses one JSON object per non-empty line; anything else is an error. */
export function parseJsonLines(text: string): JsonObject[] {
  const out: JsonObject[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`expected a JSON object per line, got: ${line.slice(0, 200)}`);
    }
    out.push(value as JsonObject);
  }
  return out;
}

/** Options every driver wrapper takes. */
export interface ClientOptions {
  /** Extra client configs (--property k=v), e.g. SASL settings. */
  properties?: Record<string, string>;
  /** Kill the driver after this long (default 120 s). */
  timeoutMs?: number;
}

/** Appends `--property k=v` for each client config. */
export function clientArgs(args: string[], options: ClientOptions): string[] {
  for (const [k, v] of Object.entries(options.properties ?? {}))
    args.push('--property', `${k}=${v}`);
  return args;
}

export function clientRunOptions(options: ClientOptions): JavaRunOptions {
  return { timeoutMs: options.timeoutMs ?? 120_000 };
}
