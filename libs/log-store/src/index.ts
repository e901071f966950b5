export type {
  AppendInput,
  AppendResult,
  CleanupPolicy,
  ClosedSegmentInfo,
  LogConfig,
  OffsetAndTimestamp,
  PartitionLog,
  ReadOptions,
  ReadResult,
} from './partition-log.js';
export {
  createLogCaches,
  defaultLogCaches,
  defaultLogConfig,
  openPartitionLog,
  validateLogConfig,
  type LogCaches,
  type OpenLogOptions,
} from './open-log.js';
export type { FileHandle, FileOps, OpenMode } from './fs/file-ops.js';
export { readFully, writeFully } from './fs/file-ops.js';
export { nodeFileOps } from './fs/node-fs.js';
export { MemFileOps, type FailOptions, type MemFsOp } from './fs/mem-fs.js';
export { firstRecordAtOrAfter } from './reader.js';
export { OffsetIndex } from './offset-index.js';
export { TimeIndex } from './time-index.js';
