import { readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKER_READY_PATTERN, brokerBuilt, startBroker } from './broker-process.js';
import type { TempDir } from './temp-dir.js';
import { createTempDir } from './temp-dir.js';

/**
 * Stands in for apps/broker/dist/main.js: takes the same flags, serves TCP, prints the agreed
 * ready line, exits 0 on SIGTERM. --fail exits at once; --silent never prints the ready line.
 */
const FAKE_BROKER = `
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
const argv = process.argv.slice(2);
const get = (flag) => argv[argv.indexOf(flag) + 1];
const listen = get('--listen');
const i = listen.lastIndexOf(':');
if (argv.includes('--fail')) {
  console.error('boom: bad config');
  process.exit(3);
}
appendFileSync(join(get('--data-dir'), 'starts.log'), argv.join(' ') + '\\n');
const server = createServer((s) => s.end('hello')).listen(Number(listen.slice(i + 1)), listen.slice(0, i), () => {
  console.error('warming up');
  if (argv.includes('--silent')) return;
  const a = server.address();
  console.log('[info] tributary broker listening on ' + a.address + ':' + a.port);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

function greeting(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect({ host, port });
    socket.on('data', (b: Buffer) => (text += b.toString()));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('startBroker (against a fake broker script)', () => {
  let dir: TempDir;
  let entry: string;

  beforeAll(async () => {
    dir = await createTempDir('tributary-fake-broker-');
    entry = join(dir.path, 'fake-broker.mjs');
    await writeFile(entry, FAKE_BROKER);
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('starts, serves, stops with SIGTERM, restarts on the same port and data dir', async () => {
    const lines: string[] = [];
    const broker = await startBroker({
      entry,
      args: ['--set', 'num.partitions=3'],
      onOutput: (line) => lines.push(line),
    });
    try {
      expect(broker.bootstrap).toBe(`127.0.0.1:${broker.port}`);
      expect(await greeting(broker.host, broker.port)).toBe('hello');
      expect(broker.peakRssBytes()).toBeGreaterThan(1024 * 1024);
      const firstPid = broker.pid;

      expect(await broker.stop()).toEqual({ code: 0, signal: null });
      expect(() => broker.pid).toThrow(/not running/);
      await broker.restart();
      expect(broker.pid).not.toBe(firstPid);
      expect(await greeting(broker.host, broker.port)).toBe('hello');

      expect((await broker.kill()).signal).toBe('SIGKILL');
      await broker.restart();
      const starts = (await readFile(join(broker.dataDir, 'starts.log'), 'utf8'))
        .trim()
        .split('\n');
      expect(starts).toHaveLength(3);
      expect(starts[0]).toBe(
        `--data-dir ${broker.dataDir} --listen 127.0.0.1:${broker.port} --set num.partitions=3`,
      );
      expect(lines).toContain('warming up');
      expect(broker.recentOutput()).toMatch(BROKER_READY_PATTERN);
    } finally {
      await broker.dispose();
    }
  });

  it('rejects with the output when the broker exits during start-up', async () => {
    await expect(startBroker({ entry, args: ['--fail'] })).rejects.toThrow(
      /exited during start-up \(code 3[\s\S]*boom: bad config/,
    );
  });

  it('rejects when the ready line never comes', async () => {
    await expect(startBroker({ entry, args: ['--silent'], startTimeoutMs: 1500 })).rejects.toThrow(
      /no "tributary broker listening on" line within 1500 ms[\s\S]*warming up/,
    );
  });

  it('says so when the broker is not built', async () => {
    expect(brokerBuilt(join(dir.path, 'missing.js'))).toBe(false);
    expect(brokerBuilt(entry)).toBe(true);
    await expect(startBroker({ entry: join(dir.path, 'missing.js') })).rejects.toThrow(
      /build it first/,
    );
  });
});
