/**
 * Golden fixture files, shared by the capture script and src/golden.test.ts so both agree on
 * names: `<client>/<api>-v<version>-<request|response>.hex`, one frame per file (without the
 * int32 size prefix) as hex, 32 bytes per line. `session.json` says what the capture did
 * (topics, groups, the address brokers were advertised at) so tests can check decoded values.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_SPECS } from '../src/generated/api-keys.js';

export type Direction = 'request' | 'response';

export interface Fixture {
  client: string;
  apiKey: number;
  apiName: string;
  version: number;
  direction: Direction;
  /** Path relative to the golden directory. */
  file: string;
  bytes: Buffer;
}

export interface ClientSessionInfo {
  /** Topics this client's sessions produced to or created (all passes). */
  topics: string[];
  /** Consumer groups this client's sessions joined. */
  groups: string[];
}

export interface CaptureSession {
  kafkaVersion: string;
  clusterId: string;
  /** Host and port the broker advertised: the proxy's, so Metadata answers carry them. */
  advertisedHost: string;
  advertisedPort: number;
  nodeId: number;
  clients: Record<string, ClientSessionInfo>;
}

export const GOLDEN_DIR = fileURLToPath(new URL('.', import.meta.url));
const HEX_BYTES_PER_LINE = 32;

/** "OffsetForLeaderEpoch" → "offset-for-leader-epoch", as the generated files are named. */
export function apiFileName(apiName: string): string {
  return apiName.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

const KEY_BY_FILE_NAME = new Map([...API_SPECS.values()].map((s) => [apiFileName(s.name), s]));

export function fixtureFile(
  client: string,
  apiKey: number,
  version: number,
  direction: Direction,
): string {
  const spec = API_SPECS.get(apiKey);
  if (spec === undefined) throw new Error(`no generated definition for API key ${apiKey}`);
  return `${client}/${apiFileName(spec.name)}-v${version}-${direction}.hex`;
}

export function toHex(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  const step = HEX_BYTES_PER_LINE * 2;
  const lines: string[] = [];
  for (let i = 0; i < hex.length; i += step) lines.push(hex.slice(i, i + step));
  return lines.join('\n') + '\n';
}

export function fromHex(text: string): Buffer {
  const hex = text.replace(/\s+/g, '');
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) throw new Error('fixture is not lower-case hex bytes');
  return Buffer.from(hex, 'hex');
}

const FILE_PATTERN = /^([a-z0-9-]+)-v(\d+)-(request|response)\.hex$/;

/** Every fixture under `dir`, sorted by client, API key, version and direction. */
export function loadFixtures(dir: string = GOLDEN_DIR): Fixture[] {
  const fixtures: Fixture[] = [];
  for (const client of readdirSync(dir).sort()) {
    if (!statSync(join(dir, client)).isDirectory()) continue;
    for (const name of readdirSync(join(dir, client)).sort()) {
      const m = FILE_PATTERN.exec(name);
      if (m === null) throw new Error(`unexpected file ${client}/${name}`);
      const spec = KEY_BY_FILE_NAME.get(m[1]);
      if (spec === undefined) throw new Error(`${client}/${name}: unknown API "${m[1]}"`);
      fixtures.push({
        client,
        apiKey: spec.key,
        apiName: spec.name,
        version: Number(m[2]),
        direction: m[3] as Direction,
        file: `${client}/${name}`,
        bytes: fromHex(readFileSync(join(dir, client, name), 'utf8')),
      });
    }
  }
  return fixtures.sort(
    (a, b) =>
      a.client.localeCompare(b.client) ||
      a.apiKey - b.apiKey ||
      a.version - b.version ||
      a.direction.localeCompare(b.direction),
  );
}

export function loadSession(dir: string = GOLDEN_DIR): CaptureSession {
  return JSON.parse(readFileSync(join(dir, 'session.json'), 'utf8')) as CaptureSession;
}
