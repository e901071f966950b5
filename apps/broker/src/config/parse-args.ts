/**
 * Command line: --data-dir DIR --listen HOST:PORT [--advertised HOST:PORT] [--node-id N]
 * [--config FILE] [--set key=value]... The properties file uses Kafka's key=value syntax.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BrokerConfig } from './broker-config.js';
import { BROKER_DEFAULTS } from './broker-config.js';
import { TOPIC_CONFIGS } from './topic-configs.js';

/** Bad command line; main prints the message, then USAGE, and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE =
  'usage: tributary-broker --data-dir DIR --listen HOST:PORT [--advertised HOST:PORT] [--node-id N] [--config FILE] [--set key=value]...';

function hostPort(value: string, flag: string): [string, number] {
  const i = value.lastIndexOf(':');
  const port = Number(value.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`${flag} expects HOST:PORT, got ${value}`);
  return [value.slice(0, i), port];
}

export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new UsageError(`bad properties line: ${line}`);
    out.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return out;
}

/**
 * The type of a broker property follows its default (a number, true/false); the ones that
 * are synonyms of string/list topic configs (log.cleanup.policy, compression.type, ...) take
 * that config's values. Ranges are not checked here.
 */
function propertyValueProblem(key: string, value: string): string | null {
  const topicDef = TOPIC_CONFIGS.find((d) => d.brokerKey === key);
  if (topicDef && (topicDef.type === 'string' || topicDef.type === 'list'))
    return topicDef.validate(value);
  const fallback = BROKER_DEFAULTS.get(key)!;
  if (fallback === 'true' || fallback === 'false')
    return value === 'true' || value === 'false'
      ? null
      : 'Expected value to be either true or false';
  if (/^-?\d+$/.test(fallback)) return /^[-+]?\d+$/.test(value.trim()) ? null : 'Not a number';
  if (/^-?\d*\.\d+$/.test(fallback))
    return value.trim() !== '' && Number.isFinite(Number(value)) ? null : 'Not a number';
  return null;
}

export function parseArgs(argv: string[]): BrokerConfig {
  let dataDir: string | undefined;
  let listen: [string, number] | undefined;
  let advertised: [string, number] | undefined;
  let nodeId = 1;
  let rack: string | null = null;
  const props = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--data-dir':
        dataDir = resolve(value());
        break;
      case '--listen':
        listen = hostPort(value(), flag);
        break;
      case '--advertised':
        advertised = hostPort(value(), flag);
        break;
      case '--node-id':
        nodeId = Number(value());
        if (!Number.isInteger(nodeId) || nodeId < 0)
          throw new UsageError('--node-id expects a non-negative integer');
        break;
      case '--rack':
        rack = value();
        break;
      case '--config': {
        const file = value();
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (err) {
          throw new UsageError(`--config: cannot read ${file}: ${(err as Error).message}`);
        }
        for (const [k, v] of parseProperties(text)) props.set(k, v);
        break;
      }
      case '--set': {
        const kv = value();
        const eq = kv.indexOf('=');
        if (eq <= 0) throw new UsageError(`--set expects key=value, got ${kv}`);
        props.set(kv.slice(0, eq), kv.slice(eq + 1));
        break;
      }
      default:
        throw new UsageError(`unknown argument ${flag}`);
    }
  }
  if (!dataDir) throw new UsageError('--data-dir is required');
  if (!listen) throw new UsageError('--listen is required');
  for (const [key, value] of props) {
    if (!BROKER_DEFAULTS.has(key)) throw new UsageError(`unknown broker property ${key}`);
    const problem = propertyValueProblem(key, value);
    if (problem)
      throw new UsageError(`Invalid value ${value} for configuration ${key}: ${problem}`);
  }
  return {
    nodeId,
    dataDir,
    listenHost: listen[0],
    listenPort: listen[1],
    advertisedHost: advertised?.[0] ?? listen[0],
    advertisedPort: advertised?.[1] ?? listen[1],
    rack,
    props,
  };
}
