/**
 * A short fuzz run in the default test suite (the long one is `npm run fuzz:broker`):
 * mutated, structurally-seeded frames for every served API version, then health checks,
 * then the acknowledged data is still all there.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  ApiKey,
  ErrorCode,
  buildBatch,
  makeApiVersionsRequest,
  makeFetchRequest,
  makeMetadataRequest,
  makeProduceRequest,
  seededRng,
  type ApiVersionsResponse,
  type FetchResponse,
  type MetadataResponse,
  type ProduceResponse,
} from '@tributary/kafka-protocol';
import { generatedSeeds } from '../fuzz/corpus.js';
import { fuzzBroker } from '../fuzz/fuzz-loop.js';
import { RawClient } from './support/raw-client.js';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker({ 'socket.request.max.bytes': '1048576' });
});
afterAll(async () => {
  await tb.stop();
});

it('keeps serving and keeps acknowledged data through a fuzz run', async () => {
  const c = await RawClient.connect(tb.port);
  await c.call<MetadataResponse>(
    ApiKey.Metadata,
    12,
    makeMetadataRequest({
      topics: [{ name: 'keep', topicId: '00000000-0000-0000-0000-000000000000' }],
      allowAutoTopicCreation: true,
    }),
  );
  const batch = buildBatch({
    records: Array.from({ length: 100 }, (_, i) => ({
      key: Buffer.from(String(i)),
      value: Buffer.from(`v${i}`),
    })),
  });
  const produced = await c.call<ProduceResponse>(
    ApiKey.Produce,
    9,
    makeProduceRequest({
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: 'keep', partitionData: [{ index: 0, records: batch }] }],
    }),
  );
  expect(produced.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE);
  const versions = await c.call<ApiVersionsResponse>(
    ApiKey.ApiVersions,
    3,
    makeApiVersionsRequest({ clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' }),
  );
  c.close();

  const seeds = generatedSeeds(versions.apiKeys, seededRng(7), 1);
  const stats = await fuzzBroker({
    port: tb.port,
    seeds,
    durationMs: Number(process.env.FUZZ_SMOKE_MS ?? 4000),
    seed: 42,
  });
  expect(stats.frames).toBeGreaterThan(100);
  expect(stats.healthChecks).toBeGreaterThan(0);

  const after = await RawClient.connect(tb.port);
  const fetched = await after.call<FetchResponse>(
    ApiKey.Fetch,
    12,
    makeFetchRequest({
      replicaId: -1,
      maxBytes: 1 << 20,
      minBytes: 1,
      topics: [
        {
          topic: 'keep',
          topicId: '00000000-0000-0000-0000-000000000000',
          partitions: [
            {
              partition: 0,
              fetchOffset: 0,
              partitionMaxBytes: 1 << 20,
              currentLeaderEpoch: -1,
              lastFetchedEpoch: -1,
              logStartOffset: -1,
              replicaDirectoryId: '00000000-0000-0000-0000-000000000000',
            },
          ],
        },
      ],
    }),
  );
  const part = fetched.responses[0].partitions[0];
  expect(part.highWatermark).toBeGreaterThanOrEqual(100);
  expect((part.records as Buffer).subarray(8).equals(batch.subarray(8))).toBe(true);
  after.close();
}, 60_000);
