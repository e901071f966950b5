/**
 * Sends mutated frames at a broker over many short-lived connections and checks, every few
 * hundred frames, that a fresh client still gets ApiVersions and Metadata answered.
 */
import {
  ApiKey,
  ErrorCode,
  makeApiVersionsRequest,
  makeMetadataRequest,
  seededRng,
  type ApiVersionsResponse,
  type MetadataResponse,
} from '@tributary/kafka-protocol';
import { RawClient } from '../test/support/raw-client.js';
import { mutateFrame } from './mutate.js';

export interface FuzzStats {
  frames: number;
  responses: number;
  closes: number;
  healthChecks: number;
}

export async function healthCheck(port: number): Promise<void> {
  const c = await RawClient.connect(port);
  try {
    const v = await c.call<ApiVersionsResponse>(
      ApiKey.ApiVersions,
      3,
      makeApiVersionsRequest({ clientSoftwareName: 'health', clientSoftwareVersion: '1' }),
    );
    if (v.errorCode !== ErrorCode.NONE) throw new Error(`ApiVersions answered ${v.errorCode}`);
    const m = await c.call<MetadataResponse>(
      ApiKey.Metadata,
      12,
      makeMetadataRequest({ topics: null }),
    );
    if (m.brokers.length !== 1) throw new Error('Metadata lists no broker');
  } finally {
    c.close();
  }
}

export async function fuzzBroker(opts: {
  port: number;
  seeds: Buffer[];
  durationMs: number;
  seed: number;
  log?: (line: string) => void;
}): Promise<FuzzStats> {
  const rand = seededRng(opts.seed);
  const stats: FuzzStats = { frames: 0, responses: 0, closes: 0, healthChecks: 0 };
  const deadline = Date.now() + opts.durationMs;
  let client: RawClient | undefined;
  let sentOnClient = 0;
  while (Date.now() < deadline) {
    if (!client || client.closed || sentOnClient >= 20) {
      client?.close();
      client = await RawClient.connect(opts.port);
      sentOnClient = 0;
    }
    const frame = mutateFrame(opts.seeds[rand(opts.seeds.length)], rand);
    client.send(frame);
    sentOnClient++;
    stats.frames++;
    try {
      const res = await client.next(150);
      if (res === null) stats.closes++;
      else stats.responses++;
    } catch {
      // No answer yet (incomplete frame, long poll): start over on a new connection.
      client.close();
      client = undefined;
    }
    if (stats.frames % 250 === 0) {
      await healthCheck(opts.port);
      stats.healthChecks++;
      opts.log?.(
        `fuzz: ${stats.frames} frames, ${stats.responses} responses, ${stats.closes} closes`,
      );
    }
  }
  client?.close();
  await healthCheck(opts.port);
  stats.healthChecks++;
  return stats;
}
