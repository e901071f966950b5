/**
 * `npm start`'s launcher (tools/local-platform/start.ts) as a person uses it: start it on a
 * fresh data directory, paste the next steps it prints into bash (curl from logging in to a
 * kcat produce), Ctrl-C (SIGINT) — nothing it started is left running — then start it again:
 * the cluster comes back from the desired state with its data and key, and a last SIGINT
 * leaves nothing behind. (The build step of `npm start` is not repeated here.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  createTempDir,
  freePort,
  killWithParent,
  pidAlive,
  repoRoot,
  runProcess,
  stopProcess,
  waitForExit,
  waitUntil,
  type TempDir,
} from '@tributary/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

let tmp: TempDir;
let launcher: { child: ChildProcess; lines: string[] } | undefined;
let port: number;

function start(): Promise<{ child: ChildProcess; lines: string[] }> {
  const child = spawn(
    join(repoRoot(), 'node_modules/.bin/tsx'),
    ['--conditions=@tributary/source', 'tools/local-platform/start.ts'],
    {
      cwd: repoRoot(),
      env: {
        ...process.env,
        PORT: String(port),
        TRIBUTARY_DATA_DIR: join(tmp.path, 'data'),
        TRIBUTARY_AGENT_PORT_RANGE: '22600-22699',
        DATABASE_URL: '',
        REDIS_URL: '',
        TRIBUTARY_AGENT_S3_BUCKET: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  killWithParent(child);
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    for (const s of [child.stdout!, child.stderr!])
      createInterface({ input: s }).on('line', (l) => {
        lines.push(l);
        if (l.includes('local platform: running')) resolve({ child, lines });
      });
    child.once('exit', (code) =>
      reject(new Error(`launcher exited (${code}):\n${lines.join('\n')}`)),
    );
    setTimeout(
      () => reject(new Error(`launcher not running in 90 s:\n${lines.join('\n')}`)),
      90_000,
    );
  });
}

/** Pids of every process whose command line mentions the data directory. */
function processesUsing(dir: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir) && pidAlive(pid);
      } catch {
        return false;
      }
    });
}

/** The pid of the process running `entry` below `ancestor` (API, worker, agent). */
function descendantRunning(ancestor: number, entry: string): number {
  const parent = (pid: number) =>
    Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(entry)) continue;
      for (let p = parent(pid); p > 1; p = parent(p)) if (p === ancestor) return pid;
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no ${entry} below ${ancestor}`);
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The ports of everything the launcher said it started, and the API's. */
function ports(lines: string[]): number[] {
  const text = lines.join('\n');
  const found = [
    /PostgreSQL postgresql:\/\/postgres@127\.0\.0\.1:(\d+)/,
    /Redis redis:\/\/127\.0\.0\.1:(\d+)/,
    /S3 http:\/\/127\.0\.0\.1:(\d+)/,
  ].map((re) => Number(re.exec(text)?.[1]));
  expect(found.every((p) => p > 0)).toBe(true);
  return [...found, port];
}

async function expectAllStopped(lines: string[], dataDir: string, extra: number[] = []) {
  expect(processesUsing(dataDir)).toEqual([]);
  for (const p of [...ports(lines), ...extra]) expect(await listening(p), `port ${p}`).toBe(false);
}

async function sigint(l: { child: ChildProcess; lines: string[] }): Promise<void> {
  l.child.kill('SIGINT');
  const exit = await waitForExit(l.child, 60_000);
  expect(exit).toEqual({ code: 0, signal: null });
  expect(l.lines).toContain('local platform: stopped');
}

beforeAll(async () => {
  tmp = await createTempDir('local-platform-');
  // mkdtemp makes it 0700; PostgreSQL runs as the `postgres` user when we are root.
  chmodSync(tmp.path, 0o755);
  port = await freePort();
}, 30_000);

afterAll(async () => {
  if (launcher) await stopProcess(launcher.child, { signal: 'SIGINT', graceMs: 60_000 });
  for (const pid of processesUsing(join(tmp.path, 'data'))) process.kill(pid, 'SIGKILL');
  await tmp.remove();
}, 90_000);

it('starts, the printed steps reach a kcat produce, Ctrl-C stops everything, and a restart brings the cluster back', async () => {
  const data = join(tmp.path, 'data');
  launcher = await start();
  const out = launcher.lines.join('\n');
  expect(out).toContain(`REST API:    http://127.0.0.1:${port}`);
  expect(out).toMatch(/Demo login: {2}demo@tributary\.local {2}\/ {2}\S{12,}/);
  expect(out).toMatch(/S3 http:\/\/127\.0\.0\.1:\d+ \(bucket tributary/);
  const steps = out
    .slice(out.indexOf('paste into a bash shell'), out.indexOf('Ctrl-C stops everything'))
    .split('\n')
    .slice(1)
    .map((l) => l.replace(/^ {2}/, ''))
    .join('\n');
  const script = `set -euo pipefail\n${steps}\ndeclare -p BOOTSTRAP SASL > ${tmp.path}/vars.sh\n`;
  const run = await runProcess('bash', ['-c', script], { timeoutMs: 90_000 });
  expect(run.stdout.toString()).toContain('hello from kcat');

  // The agent got the local S3: brokers tier to it (their command line names its endpoint).
  const s3 = /S3 (http:\/\/127\.0\.0\.1:\d+) \(bucket tributary/.exec(out)?.[1];
  const brokers = processesUsing(join(data, 'agent/pools')).map((pid) =>
    readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'),
  );
  expect(brokers).toHaveLength(1);
  expect(brokers[0]).toContain(`rsm.config.storage.s3.endpoint.url=${s3}`);
  expect(brokers[0]).toContain('remote.log.storage.system.enable=true');
  const brokerPort = Number(
    /BOOTSTRAP="127\.0\.0\.1:(\d+)"/.exec(readFileSync(`${tmp.path}/vars.sh`, 'utf8'))?.[1],
  );
  expect(await listening(brokerPort)).toBe(true);

  // A process dying on its own is started again (tools/local-platform/supervise.ts); the
  // restarted agent adopts the running broker, and the API answers again.
  const brokerPid = processesUsing(join(data, 'agent/pools'))[0];
  for (const [name, entry] of [
    ['agent', 'apps/agent/dist/main.js'],
    ['api', 'apps/control-plane/dist/main.js'],
  ] as const) {
    process.kill(descendantRunning(launcher.child.pid!, entry), 'SIGKILL');
    const lines = launcher.lines;
    await waitUntil(
      `${name} restarted`,
      async () => lines.includes(`local platform: ${name} running again`),
      60_000,
      200,
    );
  }
  expect(pidAlive(brokerPid)).toBe(true);
  expect((await fetch(`http://127.0.0.1:${port}/v1/openapi.json`)).status).toBe(200);
  const after = await runProcess(
    'bash',
    ['-c', `source ${tmp.path}/vars.sh; timeout 20 kcat -C -b $BOOTSTRAP -t orders -e -q $SASL`],
    { timeoutMs: 30_000 },
  );
  expect(after.stdout.toString()).toContain('hello from kcat');

  const first = launcher;
  await sigint(first);
  launcher = undefined;
  await expectAllStopped(first.lines, data, [brokerPort]);

  launcher = await start();
  expect(launcher.lines.join('\n')).not.toContain('created the demo login');
  // Same S3 endpoint as before, so the brokers' configuration did not change.
  expect(launcher.lines.join('\n')).toContain(`S3 ${s3} (bucket tributary`);
  // The broker comes back from the pool directory; the data and the key are still there.
  const again = await runProcess(
    'bash',
    [
      '-c',
      `source ${tmp.path}/vars.sh; for i in $(seq 60); do timeout 5 kcat -C -b $BOOTSTRAP -t orders -e -q $SASL && exit 0; sleep 0.5; done; exit 1`,
    ],
    { timeoutMs: 60_000 },
  );
  expect(again.stdout.toString()).toContain('hello from kcat');
  const second = launcher;
  await sigint(second);
  launcher = undefined;
  await expectAllStopped(second.lines, data, [brokerPort]);
}, 200_000);
