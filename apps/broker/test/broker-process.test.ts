/**
 * The broker's process contract, on the built entry point (npm run build first):
 * the ready line, exit code 2 with the usage for bad arguments, SIGTERM during a kcat
 * produce stream (exit 0, every acknowledged message readable after the restart), recovery
 * of topics, offsets and committed group offsets after SIGKILL, and one broker per data
 * directory (meta/lock).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BROKER_ENTRY,
  BROKER_READY_PATTERN,
  createTempDir,
  freePort,
  kcatConsume,
  kcatExecutable,
  repoRoot,
  runProcess,
  startBroker,
  waitForExit,
  type BrokerProcess,
} from '@tributary/testing';

const USAGE_LINE = /^usage: tributary-broker --data-dir DIR --listen \[PROTOCOL:\/\/\]HOST:PORT/m;
const brokers: BrokerProcess[] = [];
const cleanups: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  for (const b of brokers) await b.dispose();
});

async function start(args: string[] = [], dataDir?: string): Promise<BrokerProcess> {
  const b = await startBroker({
    args: ['--set', 'group.initial.rebalance.delay.ms=0', ...args],
    env: { TRIBUTARY_LOG_LEVEL: 'warn' },
    ...(dataDir ? { dataDir } : {}),
  });
  brokers.push(b);
  return b;
}

/** Runs the broker entry point with `args` until it exits (it must, within 10 s). */
function runBroker(args: string[]) {
  return runProcess(process.execPath, [join(repoRoot(), BROKER_ENTRY), ...args], {
    allowFailure: true,
    timeoutMs: 10_000,
    env: { TRIBUTARY_LOG_LEVEL: 'warn' },
  });
}

function kafkaClient(b: BrokerProcess): Kafka {
  return new Kafka({
    clientId: 'process-it',
    brokers: [b.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 50, retries: 10 },
  });
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('start-up', () => {
  it('prints "tributary broker listening on HOST:PORT" with the port it listens on', async () => {
    const port = await freePort('127.0.0.1');
    const lines: string[] = [];
    const b = await startBroker({
      port,
      env: { TRIBUTARY_LOG_LEVEL: 'warn' },
      onOutput: (line, stream) => lines.push(`${stream}: ${line}`),
    });
    brokers.push(b);
    expect(lines).toContain(`stdout: tributary broker listening on 127.0.0.1:${port} (PLAINTEXT)`);
    expect(b.bootstrap).toBe(`127.0.0.1:${port}`);
    // Port 0 picks a free port, and the line names the real one.
    const tmp = await createTempDir('tributary-port0-');
    cleanups.push(() => tmp.remove());
    const child = spawn(
      process.execPath,
      [join(repoRoot(), BROKER_ENTRY), '--data-dir', tmp.path, '--listen', '127.0.0.1:0'],
      { env: { ...process.env, TRIBUTARY_LOG_LEVEL: 'warn' } },
    );
    const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const m = BROKER_READY_PATTERN.exec(line);
        if (m) resolve(m);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
    });
    expect(ready[1]).toBe('127.0.0.1');
    expect(Number(ready[2])).toBeGreaterThan(0);
    child.kill('SIGTERM');
    expect(await waitForExit(child, 10_000)).toEqual({ code: 0, signal: null });
  });

  it('handles SIGTERM as soon as it has printed the ready line', async () => {
    const tmp = await createTempDir('tributary-early-term-');
    cleanups.push(() => tmp.remove());
    for (let round = 0; round < 5; round++) {
      const child = spawn(
        process.execPath,
        [join(repoRoot(), BROKER_ENTRY), '--data-dir', tmp.path, '--listen', '127.0.0.1:0'],
        { env: { ...process.env, TRIBUTARY_LOG_LEVEL: 'warn' } },
      );
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      // Signal from the very data event that carries the line: the earliest anyone can.
      child.stdout.on('data', (b: Buffer) => {
        if (BROKER_READY_PATTERN.test(b.toString())) child.kill('SIGTERM');
      });
      expect(await waitForExit(child, 10_000), `round ${round}: ${stderr}`).toEqual({
        code: 0,
        signal: null,
      });
    }
  });

  // Bad arguments are refused before anything touches the data directory.
  const dir = join(tmpdir(), `tributary-never-created-${process.pid}-${Date.now()}`);
  it.each([
    ['--listen missing', ['--data-dir', dir], /--listen is required/],
    ['--data-dir missing', ['--listen', '127.0.0.1:0'], /--data-dir is required/],
    [
      'an unknown flag',
      ['--data-dir', dir, '--listen', '127.0.0.1:0', '--port', '9092'],
      /unknown argument --port/,
    ],
    [
      'a bad --listen',
      ['--data-dir', dir, '--listen', 'localhost'],
      /--listen expects \[PROTOCOL:\/\/\]HOST:PORT, got localhost/,
    ],
    [
      'an unknown --set key',
      ['--data-dir', dir, '--listen', '127.0.0.1:0', '--set', 'log.segment.byte=1'],
      /unknown broker property log\.segment\.byte/,
    ],
    [
      '--set without =',
      ['--data-dir', dir, '--listen', '127.0.0.1:0', '--set', 'num.partitions'],
      /--set expects key=value, got num\.partitions/,
    ],
    ['a flag without its value', ['--data-dir', dir, '--listen'], /--listen needs a value/],
    [
      'a missing --config file',
      ['--data-dir', dir, '--listen', '127.0.0.1:0', '--config', `${dir}.properties`],
      /--config: cannot read .*ENOENT/,
    ],
    [
      'a non-numeric --set value',
      ['--data-dir', dir, '--listen', '127.0.0.1:0', '--set', 'num.partitions=three'],
      /Invalid value three for configuration num\.partitions/,
    ],
    [
      'a non-boolean --set value',
      ['--data-dir', dir, '--listen', '127.0.0.1:0', '--set', 'auto.create.topics.enable=yes'],
      /Invalid value yes for configuration auto\.create\.topics\.enable/,
    ],
    [
      'an unknown --set policy',
      ['--data-dir', dir, '--listen', '127.0.0.1:0', '--set', 'log.cleanup.policy=shred'],
      /Invalid value shred for configuration log\.cleanup\.policy/,
    ],
  ])('exits 2 with the usage for %s', async (_, args, reason) => {
    const r = await runBroker(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(reason);
    expect(r.stderr).toMatch(USAGE_LINE);
    expect(r.stdout.toString()).not.toMatch(BROKER_READY_PATTERN);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('SIGTERM during a kcat produce stream', () => {
  it('exits 0; every message kcat saw acknowledged is readable after the restart', async () => {
    const b = await start();
    // An idempotent librdkafka producer reading lines from stdin; -v -v prints a delivery
    // report per message ("Message delivered to partition 0 (offset N)").
    const kcat: ChildProcessWithoutNullStreams = spawn(kcatExecutable(), [
      '-P',
      '-b',
      b.bootstrap,
      '-t',
      'stream',
      '-p',
      '0',
      '-v',
      '-v',
      '-E', // keep going while the broker is away
      '-X',
      'enable.idempotence=true',
      '-X',
      'linger.ms=5',
      '-X',
      'reconnect.backoff.max.ms=200',
    ]);
    cleanups.push(async () => kcat.kill('SIGKILL'));
    kcat.stdin.on('error', () => undefined);
    const acked: number[] = [];
    const failures: string[] = [];
    const kcatLog: string[] = [];
    createInterface({ input: kcat.stderr }).on('line', (line) => {
      if (!line.includes('Message delivered')) kcatLog.push(line);
      const m = /Message delivered to partition 0 \(offset (\d+)\)/.exec(line);
      if (m) acked.push(Number(m[1]));
      else if (/Delivery failed/.test(line)) failures.push(line);
    });
    let sent = 0;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        const lines = Array.from({ length: 20 }, () => `msg-${sent++}\n`).join('');
        kcat.stdin.write(lines);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    cleanups.push(async () => (writing = false));

    await waitFor('kcat to get 500 acknowledgements', () => acked.length >= 500);
    const status = await b.stop(); // SIGTERM while kcat keeps producing
    expect(status, b.recentOutput()).toEqual({ code: 0, signal: null });
    const ackedBeforeStop = [...acked];
    const sentBeforeStop = sent;
    expect(ackedBeforeStop.length).toBeLessThan(sentBeforeStop);

    await b.restart();
    await new Promise((r) => setTimeout(r, 300));
    writing = false;
    await writer;
    kcat.stdin.end();
    expect(await waitForExit(kcat, 30_000), kcatLog.join('\n')).toEqual({ code: 0, signal: null });
    expect(failures).toEqual([]);
    // kcat retried what was in flight and delivered the rest after the restart.
    expect(acked).toHaveLength(sent);
    expect(acked.length).toBeGreaterThan(ackedBeforeStop.length);

    const records = await kcatConsume({ bootstrap: b.bootstrap, topic: 'stream', partition: 0 });
    const values = records.map((r) => r.value!.toString());
    // Exactly once and in order: message i at offset i.
    expect(values).toEqual(Array.from({ length: sent }, (_, i) => `msg-${i}`));
    for (const offset of ackedBeforeStop) expect(values[offset]).toBe(`msg-${offset}`);
    expect([...acked].sort((x, y) => x - y)).toEqual(values.map((_, i) => i));
  });
});

describe('SIGKILL', () => {
  it('recovers topics, their offsets and configs, and committed group offsets', async () => {
    const b = await start(['--set', 'log.segment.bytes=65536']);
    let kafka = kafkaClient(b);
    let admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: 'crash-a',
          numPartitions: 3,
          configEntries: [{ name: 'retention.ms', value: '3600000' }],
        },
        { topic: 'crash-b', numPartitions: 1 },
      ],
    });
    const producer = kafka.producer();
    await producer.connect();
    for (let round = 0; round < 10; round++) {
      await producer.send({
        topic: 'crash-a',
        acks: -1,
        messages: Array.from({ length: 30 }, (_, i) => ({
          partition: i % 3,
          key: `r${round}-${i}`,
          value: `${round}:${i}:${'x'.repeat(500)}`,
        })),
      });
    }
    await producer.send({ topic: 'crash-b', acks: -1, messages: [{ value: 'only' }] });
    await producer.disconnect();
    // A group consumes part of crash-a and commits.
    const consumer = kafka.consumer({ groupId: 'crash-group', maxWaitTimeInMs: 50 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'crash-a', fromBeginning: true });
    let consumed = 0;
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        consumed++;
        if (Number(message.offset) === 41 + partition) {
          await consumer.commitOffsets([
            { topic: 'crash-a', partition, offset: String(42 + partition) },
          ]);
        }
      },
    });
    await waitFor('300 records', () => consumed >= 300);
    await consumer.disconnect();
    // An admin-set offset for another group (generation -1).
    await admin.setOffsets({
      groupId: 'admin-group',
      topic: 'crash-b',
      partitions: [{ partition: 0, offset: '1' }],
    });
    const before = {
      topics: (await admin.listTopics()).sort(),
      offsets: await admin.fetchTopicOffsets('crash-a'),
      group: await admin.fetchOffsets({ groupId: 'crash-group', topics: ['crash-a'] }),
      adminGroup: await admin.fetchOffsets({ groupId: 'admin-group', topics: ['crash-b'] }),
    };
    expect(before.group[0].partitions.map((p) => p.offset).sort()).toEqual(['42', '43', '44']);
    await admin.disconnect();

    expect(await b.kill()).toEqual({ code: null, signal: 'SIGKILL' });
    await b.restart();
    kafka = kafkaClient(b);
    admin = kafka.admin();
    await admin.connect();
    try {
      expect((await admin.listTopics()).sort()).toEqual(before.topics);
      expect(await admin.fetchTopicOffsets('crash-a')).toEqual(before.offsets);
      expect(await admin.fetchOffsets({ groupId: 'crash-group', topics: ['crash-a'] })).toEqual(
        before.group,
      );
      expect(await admin.fetchOffsets({ groupId: 'admin-group', topics: ['crash-b'] })).toEqual(
        before.adminGroup,
      );
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: 'crash-a', configNames: ['retention.ms'] }],
      });
      expect(configs.resources[0].configEntries[0].configValue).toBe('3600000');
    } finally {
      await admin.disconnect();
    }
    // The records themselves, read back by another client.
    const records = await kcatConsume({ bootstrap: b.bootstrap, topic: 'crash-a' });
    expect(records).toHaveLength(300);
    expect(new Set(records.map((r) => r.key!.toString())).size).toBe(300);
    for (const r of records) {
      const [round, i] = r.key!.toString().slice(1).split('-').map(Number);
      expect(r.value!.toString()).toBe(`${round}:${i}:${'x'.repeat(500)}`);
      expect(r.partition).toBe(i % 3);
    }
  });
});

describe('one broker per data directory', () => {
  it('refuses a second broker on a data directory in use, and allows it once the first stopped', async () => {
    const first = await start();
    const lock = join(first.dataDir, 'meta', 'lock');
    expect((await readFile(lock, 'utf8')).trim().split(/\s+/)[0]).toBe(String(first.pid));
    const port = await freePort('127.0.0.1');
    const second = await runBroker(['--data-dir', first.dataDir, '--listen', `127.0.0.1:${port}`]);
    expect(second.timedOut).toBe(false);
    expect(second.code).toBe(1);
    expect(second.stdout.toString()).not.toMatch(BROKER_READY_PATTERN);
    expect(second.stderr).toContain(
      `data directory ${first.dataDir} is in use by another broker (pid ${first.pid}, see ${lock})`,
    );
    // The first broker still serves.
    const admin = kafkaClient(first).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'still-serving' }] });
    expect(await admin.listTopics()).toContain('still-serving');
    await admin.disconnect();

    // A clean stop releases the lock; a SIGKILL leaves it behind, and the next start takes
    // it over because its pid is gone.
    await first.stop();
    expect(existsSync(lock)).toBe(false);
    await first.restart();
    await first.kill();
    expect(existsSync(lock)).toBe(true);
    await first.restart();
    expect((await readFile(lock, 'utf8')).trim().split(/\s+/)[0]).toBe(String(first.pid));
  });
});
