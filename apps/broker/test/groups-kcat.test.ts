/**
 * librdkafka (through kcat, installed by scripts/setup.sh) as a consumer-group client:
 * static members (group.instance.id) share a topic; one is killed with SIGKILL and restarted
 * with the same instance id, which takes its place without a rebalance; a static member that
 * goes away for good is expired after its session timeout and the survivor takes over.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';

const TOPIC = 'kcat-topic';
const GROUP = 'kcat-group';
const PARTITIONS = 4;
const hasKcat = spawnSync('kcat', ['-V']).status === 0;

let tb: TestBroker;
const children: ChildProcess[] = [];

interface KcatConsumer {
  proc: ChildProcess;
  /** "partition offset value" lines printed so far. */
  lines: string[];
}

function consume(instanceId: string): KcatConsumer {
  const proc = spawn('kcat', [
    '-b',
    tb.bootstrap,
    '-G',
    GROUP,
    '-q',
    '-u',
    '-f',
    '%p %o %s\\n',
    '-X',
    `group.instance.id=${instanceId}`,
    '-X',
    'session.timeout.ms=4000',
    '-X',
    'heartbeat.interval.ms=200',
    '-X',
    'auto.offset.reset=earliest',
    '-X',
    'fetch.wait.max.ms=100',
    '-X',
    'auto.commit.interval.ms=200',
    TOPIC,
  ]);
  children.push(proc);
  const c: KcatConsumer = { proc, lines: [] };
  let partial = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    c.lines.push(...parts.filter((l) => l !== ''));
  });
  proc.stderr!.on(
    'data',
    (d: Buffer) => process.env.KCAT_DEBUG && process.stderr.write(`[${instanceId}] ${d}`),
  );
  return c;
}

function produce(from: number, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn('kcat', [
      '-b',
      tb.bootstrap,
      '-P',
      '-t',
      TOPIC,
      '-K',
      ':',
      '-X',
      'partitioner=murmur2_random',
    ]);
    proc.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`kcat -P exited ${code}`)),
    );
    for (let i = from; i < from + count; i++) proc.stdin.write(`key-${i}:v-${i}\n`);
    proc.stdin.end();
  });
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const values = (c: KcatConsumer): string[] => c.lines.map((l) => l.split(' ')[2]);
const group = () => tb.broker.context.groups.group(GROUP);

beforeAll(async () => {
  if (!hasKcat) return;
  tb = await startTestBroker({
    'num.partitions': String(PARTITIONS),
    'group.min.session.timeout.ms': '1000',
  });
  await produce(0, 40);
});

afterAll(async () => {
  for (const p of children) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  await tb?.stop();
});

describe.skipIf(!hasKcat)('librdkafka (kcat) static members', () => {
  let a: KcatConsumer;
  let b: KcatConsumer;

  it('two static members split the partitions and consume everything', async () => {
    a = consume('static-a');
    b = consume('static-b');
    await waitFor(
      'a stable group of two',
      () => group()?.state === 'Stable' && group()?.size === 2,
    );
    await produce(40, 160);
    await waitFor('200 messages', () => new Set([...values(a), ...values(b)]).size === 200);
    expect(values(a).length).toBeGreaterThan(0);
    expect(values(b).length).toBeGreaterThan(0);
  });

  it('a static member killed and restarted with its instance id comes back without a rebalance', async () => {
    const generation = group()!.generationId;
    const oldMemberId = group()!.staticMemberId('static-b');
    b.proc.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    b = consume('static-b');
    await waitFor(
      'the new member id of static-b',
      () => group()?.staticMemberId('static-b') !== oldMemberId,
    );
    await produce(200, 80);
    await waitFor('the 80 new messages', () => {
      const fresh = new Set([...values(a), ...values(b)].filter((v) => Number(v.slice(2)) >= 200));
      return fresh.size === 80;
    });
    expect(values(b).some((v) => Number(v.slice(2)) >= 200)).toBe(true);
    expect(group()).toMatchObject({ state: 'Stable', generationId: generation });
  });

  it('a static member that stays away is expired after its session timeout; the other takes over', async () => {
    const generation = group()!.generationId;
    a.proc.kill('SIGKILL');
    await waitFor(
      'a new generation without static-a',
      () => group()!.generationId > generation && group()!.size === 1,
      15_000,
    );
    await produce(280, 40);
    await waitFor(
      'the 40 new messages on static-b',
      () => new Set(values(b).filter((v) => Number(v.slice(2)) >= 280)).size === 40,
    );
    expect(group()!.staticMemberId('static-a')).toBeUndefined();
  });
});
