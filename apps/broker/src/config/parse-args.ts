/**
 * Command line: --data-dir DIR --listen [PROTOCOL://]HOST:PORT... [--advertised HOST:PORT]...
 * [--admin-listen HOST:PORT] [--node-id N] [--config FILE] [--set key=value]...
 * The properties file uses Kafka's key=value syntax. The admin endpoint's pool token comes
 * from TRIBUTARY_ADMIN_TOKEN or --admin-token-file, never from the command line.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BrokerConfig } from './broker-config.js';
import { BROKER_DEFAULTS } from './broker-config.js';
import { type ListenerConfig, parseEndpoint, type Endpoint } from './listeners.js';
import { TOPIC_CONFIGS } from './topic-configs.js';

/** Bad command line; main prints the message, then USAGE, and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE =
  'usage: tributary-broker --data-dir DIR --listen [PROTOCOL://]HOST:PORT... [--advertised HOST:PORT]... [--admin-listen HOST:PORT [--admin-token-file FILE]] [--node-id N] [--rack RACK] [--config FILE] [--set key=value]...';

function endpoint(value: string, flag: string, protocolAllowed: boolean): Endpoint {
  const e = parseEndpoint(value);
  if (typeof e === 'string') throw new UsageError(`${flag} ${e}`);
  if (!protocolAllowed && value.includes('://'))
    throw new UsageError(`${flag} expects HOST:PORT, got ${value}`);
  return e;
}

function listenersFrom(listen: Endpoint[], advertised: Endpoint[]): ListenerConfig[] {
  if (advertised.length > listen.length)
    throw new UsageError('--advertised given more often than --listen');
  const seen = new Map<string, number>();
  return listen.map((l, i) => {
    const n = (seen.get(l.protocol) ?? 0) + 1;
    seen.set(l.protocol, n);
    const adv = advertised[i];
    return {
      name: n === 1 ? l.protocol : `${l.protocol}_${n}`,
      protocol: l.protocol,
      host: l.host,
      port: l.port,
      advertisedHost: adv?.host ?? (l.host === '0.0.0.0' ? '127.0.0.1' : l.host),
      advertisedPort: adv?.port ?? l.port,
    };
  });
}

function readToken(file: string | undefined): string | null {
  if (file !== undefined) {
    try {
      const token = readFileSync(file, 'utf8').trim();
      if (token.length < 16)
        throw new UsageError(`--admin-token-file ${file}: token shorter than 16 characters`);
      return token;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`--admin-token-file: cannot read ${file}: ${(err as Error).message}`);
    }
  }
  const env = process.env.TRIBUTARY_ADMIN_TOKEN;
  if (env !== undefined && env.length < 16)
    throw new UsageError('TRIBUTARY_ADMIN_TOKEN is shorter than 16 characters');
  return env ?? null;
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
  const listen: Endpoint[] = [];
  const advertised: Endpoint[] = [];
  let adminListen: Endpoint | undefined;
  let adminTokenFile: string | undefined;
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
        listen.push(endpoint(value(), flag, true));
        break;
      case '--advertised':
        advertised.push(endpoint(value(), flag, false));
        break;
      case '--admin-listen':
        adminListen = endpoint(value(), flag, false);
        break;
      case '--admin-token-file':
        adminTokenFile = value();
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
  if (listen.length === 0) throw new UsageError('--listen is required');
  const listeners = listenersFrom(listen, advertised);
  const adminToken = readToken(adminTokenFile);
  if (adminListen && adminToken === null)
    throw new UsageError(
      '--admin-listen needs a pool token (TRIBUTARY_ADMIN_TOKEN or --admin-token-file)',
    );
  for (const [key, value] of props) {
    if (!BROKER_DEFAULTS.has(key)) throw new UsageError(`unknown broker property ${key}`);
    const problem = propertyValueProblem(key, value);
    if (problem)
      throw new UsageError(`Invalid value ${value} for configuration ${key}: ${problem}`);
  }
  return {
    nodeId,
    dataDir,
    listeners,
    admin: adminListen
      ? { host: adminListen.host, port: adminListen.port, token: adminToken! }
      : null,
    rack,
    props,
  };
}
