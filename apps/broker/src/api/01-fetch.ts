/**
 * Fetch (key 1), versions 4-17 (record batch v2; v13+ names topics by id).
 * Reads whole batches straight from segment files and returns them unchanged. Long poll:
 * when fewer than min_bytes are available the request waits (up to max_wait_ms) until a
 * produce to one of its partitions wakes it. Limits: max_bytes for the response (capped by
 * fetch.max.bytes), partition_max_bytes per partition, and KIP-74: the first batch found is
 * returned whole even when larger than the limits, so a consumer always progresses.
 * Isolation: without transactions READ_COMMITTED sees the same data (LSO == HW) and gets an
 * empty aborted-transactions list.
 * Fetch sessions (KIP-227) are not created: every response carries session id 0, so clients
 * keep sending full fetch requests; a request naming a session gets FETCH_SESSION_ID_NOT_FOUND.
 * Tiered partitions: reads from S3 wait at most remote.fetch.max.wait.ms in all, per pass
 * over the partitions (one budget, so stalled remote partitions cannot delay the others by
 * that much each); a read that takes longer leaves its partition empty (no error) and, when
 * the request may still wait, wakes the long poll as it finishes, so the data goes out in
 * this response or the next.
 * Authorization: READ on each topic, else TOPIC_AUTHORIZATION_FAILED for its partitions (a
 * topic id this broker does not know stays UNKNOWN_TOPIC_ID). Such partitions do not end the
 * long poll early; the others are served as usual.
 */
import {
  ApiKey,
  ErrorCode,
  makeFetchResponse,
  makeFetchResponseFetchableTopicResponse,
  makeFetchResponsePartitionData,
  readFetchRequest,
  writeFetchResponse,
  type FetchResponsePartitionData,
} from '@tributary/kafka-protocol';
import type { PartitionLog } from '@tributary/log-store';
import { configNumber } from '../config/broker-config.js';
import { FetchWaiters } from '../fetch/fetch-waiters.js';
import { AclOperation, canAccessTopic } from '../security/acl/request-authz.js';
import { defineHandler } from './handler.js';

const EMPTY = Buffer.alloc(0);
const READ_COMMITTED = 1;

/** True when the bytes hold less than the first record batch (batchLength at offset 8). */
function firstBatchIncomplete(records: readonly Buffer[]): boolean {
  let size = 0;
  for (const r of records) size += r.length;
  if (size < 12) return true;
  const head = records[0].length >= 12 ? records[0] : Buffer.concat(records as Buffer[], 12);
  return size < 12 + head.readInt32BE(8);
}

interface Wanted {
  out: FetchResponsePartitionData;
  log: PartitionLog;
  fetchOffset: number;
  maxBytes: number;
}

export const fetchHandler = defineHandler({
  apiKey: ApiKey.Fetch,
  minVersion: 4,
  maxVersion: 17,
  readRequest: readFetchRequest,
  writeResponse: writeFetchResponse,
  async handle(req, ctx) {
    const { broker, apiVersion } = ctx;
    if (apiVersion >= 7 && (req.sessionId !== 0 || req.sessionEpoch > 0)) {
      return makeFetchResponse({
        errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
        sessionId: 0,
        responses: [],
      });
    }
    const readCommitted = req.isolationLevel === READ_COMMITTED;
    const wanted: Wanted[] = [];
    const keys: string[] = [];
    let hasError = false;
    const responses = req.topics.map((t) => {
      const topic =
        apiVersion >= 13 ? broker.topics.getById(t.topicId) : broker.topics.get(t.topic);
      const unknownCode =
        apiVersion >= 13 ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      const name = apiVersion >= 13 ? topic?.name : t.topic;
      const readable = name === undefined || canAccessTopic(ctx, AclOperation.READ, name);
      return makeFetchResponseFetchableTopicResponse({
        topic: t.topic,
        topicId: t.topicId,
        partitions: t.partitions.map((p) => {
          const out = makeFetchResponsePartitionData({
            partitionIndex: p.partition,
            highWatermark: -1,
            lastStableOffset: -1,
            logStartOffset: -1,
            abortedTransactions: readCommitted ? [] : null,
            records: EMPTY,
          });
          const log = topic?.partitions[p.partition];
          if (!readable) {
            out.errorCode = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
          } else if (!topic || !log) {
            out.errorCode = unknownCode;
            hasError = true;
          } else if (p.currentLeaderEpoch > 0) {
            // Every partition is at leader epoch 0: a newer epoch is one this broker has not seen.
            out.errorCode = ErrorCode.UNKNOWN_LEADER_EPOCH;
            hasError = true;
          } else {
            wanted.push({ out, log, fetchOffset: p.fetchOffset, maxBytes: p.partitionMaxBytes });
            keys.push(FetchWaiters.key(topic.name, p.partition));
          }
          return out;
        }),
      });
    });

    const responseLimit = Math.min(req.maxBytes, configNumber(broker.config, 'fetch.max.bytes'));
    // Read buffers come from a capped pool and go back once the response is on the socket.
    const pool = broker.fetchBuffers;
    let lease = pool.lease();
    ctx.onResponseWritten(() => lease.release());
    // Remote reads that ran past remote.fetch.max.wait.ms in the last pass.
    let pending: Array<Promise<void>> = [];
    const readAll = async (): Promise<number> => {
      lease.release();
      lease = pool.lease();
      pending = [];
      const remoteUntil = Date.now() + configNumber(broker.config, 'remote.fetch.max.wait.ms');
      let total = 0;
      for (const w of wanted) {
        w.out.records = EMPTY; // the previous pass's buffers went back with its lease
        let budget = Math.min(w.maxBytes, responseLimit - total);
        if (lease.held === 0) {
          // Holding nothing, this fetch may wait for memory: it cannot block another one.
          await pool.limit.whenAvailable(ctx.signal);
        } else {
          // Holding some, it takes only what is free and leaves other partitions for later.
          budget = Math.min(budget, pool.limit.available);
          if (budget <= 0) continue;
        }
        const result = await w.log.read(w.fetchOffset, Math.max(budget, 0), {
          minOneBatch: total === 0,
          allocate: lease.allocate,
          remoteWaitMs: Math.max(0, remoteUntil - Date.now()),
        });
        w.out.highWatermark = result.highWatermark;
        w.out.logStartOffset = result.logStartOffset;
        if (result.ok) {
          if (result.pending) pending.push(result.pending);
          w.out.errorCode = ErrorCode.NONE;
          w.out.lastStableOffset = result.lastStableOffset;
          // As Kafka (v3+): a partition whose first batch is cut short is answered empty;
          // clients cannot use it (Java fails with "no complete records were found").
          const usable = result.records.length > 0 && !firstBatchIncomplete(result.records);
          w.out.records = usable ? result.records : EMPTY;
          if (usable) for (const r of result.records) total += r.length;
        } else {
          w.out.errorCode = result.errorCode;
          w.out.lastStableOffset = result.highWatermark;
          w.out.records = EMPTY;
          hasError = true;
        }
      }
      return total;
    };

    const deadline = Date.now() + Math.max(0, req.maxWaitMs);
    let bytes = await readAll();
    while (!hasError && bytes < req.minBytes && Date.now() < deadline && wanted.length > 0) {
      if (ctx.signal.aborted) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, deadline - Date.now());
        const unregister = broker.fetchWaiters.register(keys, wake);
        ctx.signal.addEventListener('abort', wake, { once: true });
        for (const p of pending) void p.then(wake);
        function wake(): void {
          clearTimeout(timer);
          unregister();
          ctx.signal.removeEventListener('abort', wake);
          resolve();
        }
      });
      bytes = await readAll();
    }
    return makeFetchResponse({
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      sessionId: 0,
      responses,
    });
  },
});
