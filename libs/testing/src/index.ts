export { repoRoot } from './repo-root.js';
export { freePort } from './ports.js';
export { createTempDir } from './temp-dir.js';
export type { TempDir } from './temp-dir.js';
export { ProcessError, runProcess } from './run-process.js';
export type { ProcessResult, RunProcessOptions } from './run-process.js';
export { hasExited, killWithParent, stopProcess, waitForExit } from './process-lifecycle.js';
export type { ExitStatus } from './process-lifecycle.js';
export { PeakRssTracker, readPeakRssBytes } from './peak-rss.js';
export { probeApiVersions, waitForKafkaApi } from './kafka-probe.js';
export type { WaitForKafkaOptions } from './kafka-probe.js';
export {
  CLIENT_JVM_ARGS,
  SERVER_JVM_ARGS,
  ensureJavaTools,
  javaCommand,
  javaExecutable,
  parseJsonLines,
  runJavaDriver,
  runJavaMain,
} from './java.js';
export type {
  ClientOptions,
  JavaCommandOptions,
  JavaDriverName,
  JavaRunOptions,
  JavaTools,
  JsonObject,
  JsonValue,
} from './java.js';
export { expectedValue, produceIdempotent, sha256Hex } from './java-producer.js';
export type { ProduceOptions, ProduceSummary, ProducedRecord } from './java-producer.js';
export { consumeGroup } from './java-consumer.js';
export type { ConsumeOptions, ConsumeSummary, ConsumedRecord } from './java-consumer.js';
export { javaAdmin } from './java-admin.js';
export type {
  ClusterDescription,
  ClusterNode,
  ConfigEntryDescription,
  CreateTopicOptions,
  JavaAdmin,
  TopicDescription,
  TopicPartitionDescription,
} from './java-admin.js';
export {
  parseConsumerPerfOutput,
  parseProducerPerfOutput,
  runConsumerPerf,
  runProducerPerf,
} from './kafka-perf.js';
export type {
  ConsumerPerfOptions,
  ConsumerPerfResult,
  ProducerPerfOptions,
  ProducerPerfResult,
} from './kafka-perf.js';
export {
  kcatConsume,
  kcatExecutable,
  kcatMetadata,
  kcatProduce,
  kcatProduceFile,
  kcatSecurityProperties,
  parseKcatRecords,
} from './kcat.js';
export type {
  KcatCompression,
  KcatConsumeOptions,
  KcatMessage,
  KcatMetadata,
  KcatOptions,
  KcatProduceOptions,
  KcatRecord,
  KcatSecurity,
} from './kcat.js';
export { startReferenceKafka } from './reference-kafka.js';
export type { ReferenceKafka, ReferenceKafkaOptions } from './reference-kafka.js';
export { BROKER_ENTRY, BROKER_READY_PATTERN, brokerBuilt, startBroker } from './broker-process.js';
export type { BrokerProcess, BrokerProcessOptions } from './broker-process.js';
export { dumpLogSegment, parseDumpLogSegments } from './log-dump.js';
export type { DumpedBatch } from './log-dump.js';
export { createTestPki } from './test-pki.js';
export type { LeafOptions, TestCertificate, TestPki } from './test-pki.js';
export { asPostgresUser, postgresBinDir, postgresUser, startPostgres } from './postgres.js';
export type { PostgresServer, PostgresUser } from './postgres.js';
export { startRedis } from './redis.js';
export type { RedisServer } from './redis.js';
export { PlatformProcess } from './platform-process.js';
export type { PlatformProcessOptions } from './platform-process.js';
export {
  brokerProcessesUnder,
  listPools,
  pidAlive,
  poolBrokers,
  stopPoolBrokers,
} from './platform-pools.js';
export type { PoolBroker } from './platform-pools.js';
export {
  ApiError,
  PlatformClient,
  WaitAborted,
  logIn,
  signUp,
  waitForStatus,
  waitUntil,
} from './platform-client.js';
export type { ApiReply, Json, PlatformUser } from './platform-client.js';
export {
  PLATFORM_ENTRIES,
  PlatformProcesses,
  missingPlatformBundles,
} from './platform-processes.js';
export type { PlatformProcessName, PlatformProcessesOptions } from './platform-processes.js';
export { runningBrokerPids, saslPlain, startPlatform } from './platform.js';
export { PLATFORM_S3_BUCKET, startPlatformS3 } from './platform-s3.js';
export type { PlatformS3, PlatformS3Options } from './platform-s3.js';
export type { StartPlatformOptions, TestPlatform } from './platform.js';
export {
  createCluster,
  createEnvironment,
  createKeyWithAcls,
  createTopic,
  produceUntilAccepted,
  waitForCluster,
} from './platform-flow.js';
export type { ClusterKey } from './platform-flow.js';
export { startS3Server } from './s3-server.js';
export type { S3EndpointConfig, S3Server, S3ServerOptions } from './s3-server.js';
