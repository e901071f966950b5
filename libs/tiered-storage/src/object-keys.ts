/**
 * Every object key of tiered storage is built here (one helper, as the log store does for file
 * names). Offsets are zero-padded so an S3 LIST returns a partition's segments in order, and
 * everything of a cluster sits under one prefix so deleting the cluster removes all its data:
 *
 *   {prefix}clusters/{clusterId}/topics/{topicId}/{partition:010}/{baseOffset:020}-{uploadId}.log
 *                                                                 ...-{uploadId}.index
 *                                                                 ...-{uploadId}.timeindex
 *                                                                 ...-{uploadId}.snapshot
 */
import { randomUUID } from 'node:crypto';

export type RemoteFileKind = 'log' | 'index' | 'timeindex' | 'snapshot';
export const REMOTE_FILE_KINDS: readonly RemoteFileKind[] = [
  'log',
  'index',
  'timeindex',
  'snapshot',
];

/** Kafka's Uuid text form: URL-safe base64 of 16 random bytes, 22 characters. */
export function newUploadId(): string {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
}

function checkPart(name: string, value: string): string {
  if (value === '' || value.includes('/'))
    throw new RangeError(`bad ${name} for an object key: "${value}"`);
  return value;
}

export function clusterPrefix(prefix: string, clusterId: string): string {
  return `${prefix}clusters/${checkPart('cluster id', clusterId)}/`;
}

export function topicPrefix(prefix: string, clusterId: string, topicId: string): string {
  return `${clusterPrefix(prefix, clusterId)}topics/${checkPart('topic id', topicId)}/`;
}

export function partitionPrefix(
  prefix: string,
  clusterId: string,
  topicId: string,
  partition: number,
): string {
  if (!Number.isInteger(partition) || partition < 0)
    throw new RangeError(`bad partition ${partition}`);
  return `${topicPrefix(prefix, clusterId, topicId)}${String(partition).padStart(10, '0')}/`;
}

export function segmentObjectKey(
  partitionKeyPrefix: string,
  baseOffset: number,
  uploadId: string,
  kind: RemoteFileKind,
): string {
  return `${partitionKeyPrefix}${String(baseOffset).padStart(20, '0')}-${checkPart('upload id', uploadId)}.${kind}`;
}

const SEGMENT_KEY_RE = /(\d{20})-([A-Za-z0-9_-]+)\.(log|index|timeindex|snapshot)$/;

/** The parts of a segment object's key (its last path element), or null for other keys. */
export function parseSegmentObjectKey(
  key: string,
): { baseOffset: number; uploadId: string; kind: RemoteFileKind } | null {
  const m = SEGMENT_KEY_RE.exec(key.slice(key.lastIndexOf('/') + 1));
  if (!m) return null;
  return { baseOffset: Number(m[1]), uploadId: m[2], kind: m[3] as RemoteFileKind };
}
