export type {
  AppendInput,
  AppendResult,
  CleanupPolicy,
  LogConfig,
  OffsetAndTimestamp,
  PartitionLog,
  ReadOptions,
  ReadResult,
} from './partition-log.js';
