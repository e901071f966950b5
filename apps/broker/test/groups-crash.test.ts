/**
 * Committed offsets survive kill -9: a broker child process takes a stream of OffsetCommits
 * on several connections (so commits share fsyncs), is SIGKILLed mid-stream, and on restart
 * every acknowledged commit is there (at most the one in flight beyond it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  ApiKey,
  ErrorCode,
  makeMetadataRequest,
  makeOffsetCommitRequest,
  makeOffsetFetchRequest,
  type MetadataResponse,
  type OffsetCommitResponse,
  type OffsetFetchResponse,
} from '@tributary/kafka-protocol';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from './support/raw-client.js';

const MAIN = resolve(import.meta.dirname, '../src/main.ts');
const TOPIC = 'crash-topic';
const PARTITIONS = 6;
const GROUP = 'crash-group';

interface Child {
  proc: ChildProcess;
  port: number;
}

function startChild(dataDir: string): Promise<Child> {
  const proc = spawn(
    process.execPath,
    [
      '--conditions=@tributary/source',
      '--import',
      'tsx',
      MAIN,
      '--data-dir',
      dataDir,
      '--listen',
      '127.0.0.1:0',
      '--set',
      `num.partitions=${PARTITIONS}`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TRIBUTARY_LOG_LEVEL: 'warn' } },
  );
  return new Promise((resolvePort, reject) => {
    let out = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on [^:]+:(\d+)/.exec(out);
      if (m) resolvePort({ proc, port: Number(m[1]) });
    });
    proc.once('exit', (code) => reject(new Error(`broker exited with ${code} before listening`)));
  });
}

function kill9(child: Child): Promise<void> {
  return new Promise((done) => {
    child.proc.once('exit', () => done());
    child.proc.kill('SIGKILL');
  });
}

function commitRequest(partition: number, offset: number): unknown {
  return makeOffsetCommitRequest({
    groupId: GROUP,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    topics: [
      {
        name: TOPIC,
        partitions: [
          {
            partitionIndex: partition,
            committedOffset: offset,
            committedLeaderEpoch: -1,
            commitTimestamp: -1,
            committedMetadata: `m${offset}`,
          },
        ],
      },
    ],
  });
}

let dataDir: string;
let child: Child | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tributary-groups-crash-'));
});

afterAll(async () => {
  if (child && child.proc.exitCode === null) await kill9(child);
  await rm(dataDir, { recursive: true, force: true });
});

describe('offset durability across kill -9', () => {
  it('keeps every acknowledged commit', async () => {
    child = await startChild(dataDir);
    const admin = await RawClient.connect(child.port);
    const md = await admin.call<MetadataResponse>(
      ApiKey.Metadata,
      12,
      makeMetadataRequest({
        topics: [{ name: TOPIC, topicId: '00000000-0000-0000-0000-000000000000' }],
        allowAutoTopicCreation: true,
      }),
    );
    expect(md.topics[0].partitions).toHaveLength(PARTITIONS);
    admin.close();

    // One connection per partition commits offsets 1, 2, 3, ... as fast as acknowledgements come.
    const acked = new Array<number>(PARTITIONS).fill(0);
    let stop = false;
    const committers = Array.from({ length: PARTITIONS }, async (_, partition) => {
      const c = await RawClient.connect(child!.port);
      try {
        for (let offset = 1; !stop; offset++) {
          const r = await c.call<OffsetCommitResponse>(
            ApiKey.OffsetCommit,
            8,
            commitRequest(partition, offset),
          );
          expect(r.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
          acked[partition] = offset;
        }
      } catch {
        // The broker died under us: the commit in flight may or may not have made it.
      } finally {
        c.close();
      }
    });
    await new Promise((r) => setTimeout(r, 400));
    await kill9(child);
    stop = true;
    await Promise.all(committers);
    expect(Math.min(...acked)).toBeGreaterThan(0);

    child = await startChild(dataDir);
    const c = await RawClient.connect(child.port);
    const fetched = await c.call<OffsetFetchResponse>(
      ApiKey.OffsetFetch,
      8,
      makeOffsetFetchRequest({
        groups: [{ groupId: GROUP, memberId: null, memberEpoch: -1, topics: null }],
      }),
    );
    c.close();
    const offsets = new Map(
      fetched.groups[0].topics[0].partitions.map((p) => [p.partitionIndex, p]),
    );
    for (let p = 0; p < PARTITIONS; p++) {
      const got = offsets.get(p)!;
      expect([acked[p], acked[p] + 1]).toContain(got.committedOffset);
      expect(got.metadata).toBe(`m${got.committedOffset}`);
    }

    // A real client sees the same offsets.
    const kafka = new Kafka({
      clientId: 'crash-it',
      brokers: [`127.0.0.1:${child.port}`],
      logLevel: logLevel.NOTHING,
    });
    const kadmin = kafka.admin();
    await kadmin.connect();
    const [t] = await kadmin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    await kadmin.disconnect();
    for (const p of t.partitions)
      expect(Number(p.offset)).toBe(offsets.get(p.partition)!.committedOffset);
  });
});
