export { Reader } from './codec/reader.js';
export { Writer, type RecordsData } from './codec/writer.js';
export { DecodeError } from './codec/decode-error.js';
export type { TaggedField } from './codec/tagged-field.js';
export {
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestFrame,
  encodeResponseFrame,
  isFlexible,
  requestHeaderVersion,
  responseHeaderVersion,
} from './codec/frame.js';
export * from './generated/index.js';
export * from './record-batch/batch-header.js';
export { crc32c } from './record-batch/crc32c.js';
export { compress, decompress, initCompression } from './record-batch/compression.js';
export {
  buildBatch,
  decodeRecords,
  type BatchInput,
  type KafkaRecord,
  type RecordHeader,
} from './record-batch/records.js';
export {
  validateRecords,
  type BatchProblem,
  type BatchSpan,
  type ValidationResult,
} from './record-batch/validate.js';
export { inSpan, randomMessage, seededRng, type Rng } from './testing/random-message.js';
