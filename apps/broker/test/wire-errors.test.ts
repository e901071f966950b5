/**
 * Bad input at the wire level: each case gets the precise Kafka answer or a closed
 * connection, and the broker keeps serving the next client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiKey,
  ErrorCode,
  Reader,
  makeApiVersionsRequest,
  makeMetadataRequest,
  readApiVersionsResponse,
  decodeResponseHeader,
  type ApiVersionsResponse,
  type MetadataResponse,
} from '@tributary/kafka-protocol';
import { RawClient } from './support/raw-client.js';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';

let tb: TestBroker;

beforeAll(async () => {
  tb = await startTestBroker({ 'socket.request.max.bytes': '65536' });
});
afterAll(async () => {
  await tb.stop();
});

async function stillServes(): Promise<void> {
  const c = await RawClient.connect(tb.port);
  const res = await c.call<ApiVersionsResponse>(
    ApiKey.ApiVersions,
    3,
    makeApiVersionsRequest({ clientSoftwareName: 'test', clientSoftwareVersion: '1.0' }),
  );
  expect(res.errorCode).toBe(ErrorCode.NONE);
  c.close();
}

describe('wire-level bad input', () => {
  it('answers ApiVersions with the registered ranges, using response header v0', async () => {
    const c = await RawClient.connect(tb.port);
    const res = await c.call<ApiVersionsResponse>(
      ApiKey.ApiVersions,
      4,
      makeApiVersionsRequest({ clientSoftwareName: 'test', clientSoftwareVersion: '1.0' }),
    );
    const keys = new Map(res.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]));
    expect(keys.get(ApiKey.Produce)).toEqual([3, 11]);
    expect(keys.get(ApiKey.Fetch)).toEqual([4, 17]);
    expect(keys.get(ApiKey.ApiVersions)).toEqual([0, 4]);
    c.close();
  });

  it('answers ApiVersions at an unknown version with a v0 UNSUPPORTED_VERSION body', async () => {
    const c = await RawClient.connect(tb.port);
    c.send(c.frame(ApiKey.ApiVersions, 99, makeApiVersionsRequest()));
    const frame = await c.next();
    expect(frame).not.toBeNull();
    const { body } = decodeResponseHeader(ApiKey.ApiVersions, 0, frame!);
    const res = readApiVersionsResponse(body, 0);
    expect(res.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(res.apiKeys.find((k) => k.apiKey === ApiKey.ApiVersions)).toMatchObject({
      minVersion: 0,
      maxVersion: 4,
    });
    c.close();
  });

  it('rejects bad client software names on ApiVersions v3+', async () => {
    const c = await RawClient.connect(tb.port);
    const res = await c.call<ApiVersionsResponse>(
      ApiKey.ApiVersions,
      3,
      makeApiVersionsRequest({ clientSoftwareName: '-bad name', clientSoftwareVersion: '1' }),
    );
    expect(res.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    c.close();
  });

  it('closes the connection for an unsupported version of another API', async () => {
    const c = await RawClient.connect(tb.port);
    c.send(c.frame(ApiKey.Metadata, 13, makeMetadataRequest(), 'x'));
    await c.waitClosed();
    await stillServes();
  });

  it('closes the connection for an unknown API key', async () => {
    const c = await RawClient.connect(tb.port);
    const frame = Buffer.alloc(4 + 10);
    frame.writeInt32BE(10, 0);
    frame.writeInt16BE(999, 4);
    frame.writeInt16BE(0, 6);
    frame.writeInt32BE(1, 8);
    frame.writeInt16BE(-1, 12);
    c.send(frame);
    await c.waitClosed();
    await stillServes();
  });

  it('closes the connection for a frame over socket.request.max.bytes', async () => {
    const c = await RawClient.connect(tb.port);
    const header = Buffer.alloc(4);
    header.writeInt32BE(65537, 0);
    c.send(header);
    await c.waitClosed();
    await stillServes();
  });

  it('closes the connection for a negative frame size', async () => {
    const c = await RawClient.connect(tb.port);
    c.send(Buffer.from([0xff, 0xff, 0xff, 0xfe]));
    await c.waitClosed();
    await stillServes();
  });

  it('closes the connection for a truncated body', async () => {
    const c = await RawClient.connect(tb.port);
    const good = c.frame(
      ApiKey.Metadata,
      9,
      makeMetadataRequest({
        topics: [{ name: 'some-topic', topicId: '00000000-0000-0000-0000-000000000000' }],
      }),
    );
    const cut = Buffer.from(good.subarray(0, good.length - 6));
    cut.writeInt32BE(cut.length - 4, 0);
    c.send(cut);
    await c.waitClosed();
    await stillServes();
  });

  it('closes the connection for garbage', async () => {
    const c = await RawClient.connect(tb.port);
    const garbage = Buffer.alloc(200, 0xab);
    garbage.writeInt32BE(196, 0);
    c.send(garbage);
    await c.waitClosed();
    await stillServes();
  });

  it('answers pipelined requests in order', async () => {
    const c = await RawClient.connect(tb.port);
    const frames = [];
    for (let i = 0; i < 20; i++) {
      frames.push(
        i % 2
          ? c.frame(ApiKey.Metadata, 12, makeMetadataRequest({ topics: [] }))
          : c.frame(
              ApiKey.ApiVersions,
              3,
              makeApiVersionsRequest({ clientSoftwareName: 'a', clientSoftwareVersion: '1' }),
            ),
      );
    }
    c.send(Buffer.concat(frames));
    for (let i = 0; i < 20; i++) {
      const f = await c.next();
      const r = new Reader(f!);
      expect(r.int32()).toBe(i + 1);
    }
    c.close();
  });

  it('reports invalid and unknown topic names in Metadata', async () => {
    const c = await RawClient.connect(tb.port);
    const res = await c.call<MetadataResponse>(
      ApiKey.Metadata,
      12,
      makeMetadataRequest({
        topics: [
          { name: 'bad/name', topicId: '00000000-0000-0000-0000-000000000000' },
          { name: 'x'.repeat(250), topicId: '00000000-0000-0000-0000-000000000000' },
          { name: 'missing-topic', topicId: '00000000-0000-0000-0000-000000000000' },
        ],
        allowAutoTopicCreation: false,
      }),
    );
    expect(res.topics.map((t) => t.errorCode)).toEqual([
      ErrorCode.INVALID_TOPIC_EXCEPTION,
      ErrorCode.INVALID_TOPIC_EXCEPTION,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ]);
    c.close();
  });
});
