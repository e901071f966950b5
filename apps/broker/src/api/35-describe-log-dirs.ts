/**
 * DescribeLogDirs (key 35), versions 0-4.
 * This broker has one log directory: <data dir>/logs, the counterpart of Kafka's log.dirs.
 * Lists the requested partitions hosted here (topics null = all of them; unknown topics and
 * partitions are left out) with their size on disk (segments and indexes); offset_lag is 0
 * and is_future_key false, as there are no replica moves between directories.
 * v3+ adds a top-level error code (NONE); v4 the directory's total and usable bytes from
 * statfs (-1 when the file system cannot tell).
 * Authorization: DESCRIBE on the cluster, else no directories and (v3+) the top-level error
 * CLUSTER_AUTHORIZATION_FAILED, as Kafka.
 */
import { statfs } from 'node:fs/promises';
import {
  ApiKey,
  ErrorCode,
  makeDescribeLogDirsResponse,
  makeDescribeLogDirsResponseDescribeLogDirsPartition,
  makeDescribeLogDirsResponseDescribeLogDirsResult,
  makeDescribeLogDirsResponseDescribeLogDirsTopic,
  readDescribeLogDirsRequest,
  writeDescribeLogDirsResponse,
  type DescribeLogDirsResponseDescribeLogDirsTopic,
} from '@tributary/kafka-protocol';
import type { BrokerContext } from '../context.js';
import { AclOperation, canAccessCluster } from '../security/acl/request-authz.js';
import { DataDir } from '../storage/data-dir.js';
import { defineHandler } from './handler.js';

async function diskSpace(dir: string): Promise<{ totalBytes: number; usableBytes: number }> {
  try {
    const s = await statfs(dir);
    return { totalBytes: s.blocks * s.bsize, usableBytes: s.bavail * s.bsize };
  } catch {
    return { totalBytes: -1, usableBytes: -1 };
  }
}

function hostedTopics(
  broker: BrokerContext,
  wanted: ReadonlyArray<{ topic: string; partitions: number[] }> | null,
): DescribeLogDirsResponseDescribeLogDirsTopic[] {
  const selection: Array<{ name: string; partitions: number[] }> =
    wanted === null
      ? broker.topics
          .list()
          .map((t) => ({ name: t.name, partitions: t.partitions.map((_, i) => i) }))
      : wanted.map((w) => ({ name: w.topic, partitions: w.partitions }));
  const out: DescribeLogDirsResponseDescribeLogDirsTopic[] = [];
  for (const { name, partitions } of selection) {
    const found = [...new Set(partitions)].flatMap((p) => {
      const log = broker.topics.partition(name, p);
      return log
        ? [
            makeDescribeLogDirsResponseDescribeLogDirsPartition({
              partitionIndex: p,
              partitionSize: log.sizeBytes,
              offsetLag: 0,
              isFutureKey: false,
            }),
          ]
        : [];
    });
    if (found.length > 0)
      out.push(makeDescribeLogDirsResponseDescribeLogDirsTopic({ name, partitions: found }));
  }
  return out;
}

export const describeLogDirsHandler = defineHandler({
  apiKey: ApiKey.DescribeLogDirs,
  minVersion: 0,
  maxVersion: 4,
  readRequest: readDescribeLogDirsRequest,
  writeResponse: writeDescribeLogDirsResponse,
  async handle(req, ctx) {
    if (!canAccessCluster(ctx, AclOperation.DESCRIBE)) {
      return makeDescribeLogDirsResponse({
        throttleTimeMs: 0,
        errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
        results: [],
      });
    }
    const logDir = new DataDir(ctx.broker.config.dataDir).logsDir;
    const topics = hostedTopics(ctx.broker, req.topics);
    const space =
      ctx.apiVersion >= 4 ? await diskSpace(logDir) : { totalBytes: -1, usableBytes: -1 };
    return makeDescribeLogDirsResponse({
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      results: [
        makeDescribeLogDirsResponseDescribeLogDirsResult({
          errorCode: ErrorCode.NONE,
          logDir,
          topics,
          ...space,
        }),
      ],
    });
  },
});
