export {
  clusterPrefix,
  newUploadId,
  parseSegmentObjectKey,
  partitionPrefix,
  REMOTE_FILE_KINDS,
  segmentObjectKey,
  topicPrefix,
} from './object-keys.js';
export type { RemoteFileKind } from './object-keys.js';
export { bodySize } from './object-store.js';
export type { ObjectBody, ObjectInfo, ObjectStore } from './object-store.js';
export { S3ObjectStore } from './s3-object-store.js';
export type { S3Settings } from './s3-object-store.js';
export { MemObjectStore } from './mem-object-store.js';
export type { ObjectOp } from './mem-object-store.js';
export type { RemoteSegment, RemoteSegmentState } from './remote-segment.js';
export { MetadataJournal } from './metadata-journal.js';
export { ChunkCache } from './chunk-cache.js';
export { RemoteLogManager } from './remote-log-manager.js';
export type { RemoteLogManagerOptions, TieredStorageStatus } from './remote-log-manager.js';
export { localLogConfig, TieredLog } from './tiered-log.js';
export type { CopyBacklog, TieredLogLogger } from './tiered-log.js';
