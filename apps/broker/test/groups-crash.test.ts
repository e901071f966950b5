/**
 * Committed offsets survive kill -9: a broker child process takes a stream of OffsetCommits
 * on several connections (so commits share fsyncs), is SIGKILLed mid-stream, and on restart
 * every acknowledged commit is there (at most the one in flight beyond it).
 */
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
import { startBroker, type BrokerProcess } from '@tributary/testing';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { RawClient } from './support/raw-client.js';

const TOPIC = 'crash-topic';
const PARTITIONS = 6;
const GROUP = 'crash-group';

let broker: BrokerProcess | undefined;

afterAll(async () => {
  await broker?.dispose();
});

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

describe('offset durability across kill -9', () => {
  it('keeps every acknowledged commit', async () => {
    // The source entry through tsx, so the test exercises this tree without a build.
    broker = await startBroker({
      entry: 'apps/broker/src/main.ts',
      nodeArgs: ['--conditions=@tributary/source', '--import', 'tsx'],
      args: ['--set', `num.partitions=${PARTITIONS}`],
      env: { TRIBUTARY_LOG_LEVEL: 'warn' },
    });
    const admin = await RawClient.connect(broker.port);
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
      const c = await RawClient.connect(broker!.port);
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
    await broker.kill();
    stop = true;
    await Promise.all(committers);
    expect(Math.min(...acked)).toBeGreaterThan(0);

    await broker.restart();
    const c = await RawClient.connect(broker.port);
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
      brokers: [broker.bootstrap],
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
