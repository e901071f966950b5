/**
 * The agent protocol: how a data-plane agent learns the desired state of its pools from the
 * control plane and reports back. The agent always calls the control plane (pull), so it works
 * from behind NAT. Every call carries `Authorization: Bearer <agent token>`; the token names the
 * agent, and the control plane answers with that agent's pools only.
 *
 *   GET  /internal/agent/v1/desired-state?after=<revision>&wait_ms=<ms>
 *        -> 200 DesiredState. Answers at once when the agent's revision is above `after`,
 *           otherwise holds the request up to `wait_ms` (max 30000) and then answers with the
 *           current state (same revision). `after` absent = answer at once.
 *   PUT  /internal/agent/v1/observed-state      body ObservedState  -> 204
 *   POST /internal/agent/v1/usage               body UsageReport    -> 200 UsageAck
 *
 * Errors are problem+json (401 bad token, 400 bad body). The agent keeps what runs when the
 * control plane is unreachable and retries with backoff.
 */
import { z } from 'zod';
import { derivedCredentialSchema } from '@tributary/credentials';

export const AGENT_API_PREFIX = '/internal/agent/v1';
export const MAX_DESIRED_STATE_WAIT_MS = 30_000;

/** The broker's limits document (apps/broker/src/quotas/README.md), pushed as is. */
export const poolLimitsSchema = z.looseObject({
  cluster: z.looseObject({}).optional(),
  quotas: z.array(z.looseObject({})).optional(),
});

/** A Kafka ACL binding in the broker admin endpoint's JSON form (names, not codes). */
export const aclBindingSchema = z.strictObject({
  resourceType: z.enum(['TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID']),
  resourceName: z.string().min(1),
  patternType: z.enum(['LITERAL', 'PREFIXED']),
  principal: z.string().regex(/^User:.+$/),
  host: z.string().min(1),
  operation: z.enum([
    'ALL',
    'READ',
    'WRITE',
    'CREATE',
    'DELETE',
    'ALTER',
    'DESCRIBE',
    'CLUSTER_ACTION',
    'DESCRIBE_CONFIGS',
    'ALTER_CONFIGS',
    'IDEMPOTENT_WRITE',
  ]),
  permissionType: z.enum(['ALLOW', 'DENY']),
});
export type AclBinding = z.infer<typeof aclBindingSchema>;

/** A cluster API key as a broker needs it: never the secret, only derived material. */
export const poolCredentialSchema = z.strictObject({
  /** The SASL username (the API key id). */
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  /** The Kafka principal the key authenticates as, e.g. `User:sa-1a2b3c`. */
  principal: z.string().regex(/^User:[\x21-\x7e]{1,128}$/),
  derived: derivedCredentialSchema,
  expiresAt: z.iso.datetime({ offset: true }).nullable(),
});

/** A topic the control plane manages; topics created by clients are left alone. */
export const desiredTopicSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/),
  /** ABSENT: delete it if it exists. */
  state: z.enum(['PRESENT', 'ABSENT']),
  partitions: z.number().int().min(1),
  /** Topic configs the control plane sets; others keep their defaults or client changes. */
  configs: z.record(z.string(), z.string()),
});
export type DesiredTopic = z.infer<typeof desiredTopicSchema>;

export const poolSpecSchema = z.strictObject({
  /** The cluster id, e.g. `lkc-7x2k9q`; one pool per cluster. */
  clusterId: z.string().regex(/^[a-z0-9-]{3,64}$/),
  /** Increases with every change to this spec; observed state echoes the one applied. */
  generation: z.number().int().min(1),
  /** DELETED: stop the brokers and remove the pool's data. */
  state: z.enum(['RUNNING', 'DELETED']),
  brokers: z.number().int().min(1).max(64),
  /** Per-broker resources for the driver (process: memory limit; kubernetes: requests/limits). */
  resources: z.strictObject({
    cpuMillis: z.number().int().min(100),
    memoryMiB: z.number().int().min(128),
    storageGiB: z.number().int().min(1),
  }),
  /** Broker properties (Kafka names), e.g. `message.max.bytes`. */
  brokerConfig: z.record(z.string(), z.string()),
  limits: poolLimitsSchema,
  credentials: z.array(poolCredentialSchema),
  acls: z.array(aclBindingSchema),
  topics: z.array(desiredTopicSchema),
});
export type PoolSpec = z.infer<typeof poolSpecSchema>;
export type PoolSpecJson = z.input<typeof poolSpecSchema>;

export const desiredStateSchema = z.strictObject({
  /** Increases whenever any of this agent's pool specs changes. */
  revision: z.number().int().min(0),
  pools: z.array(poolSpecSchema),
});
export type DesiredState = z.infer<typeof desiredStateSchema>;

export const brokerObservationSchema = z.strictObject({
  brokerId: z.number().int().min(0),
  state: z.enum(['STARTING', 'RUNNING', 'CRASHED', 'STOPPED']),
  restarts: z.number().int().min(0),
  /** host:port clients use for this broker. */
  endpoint: z.string().nullable(),
  lastError: z.string().nullable(),
});

export const observedTopicSchema = z.strictObject({
  name: z.string(),
  topicId: z.string(),
  partitions: z.number().int().min(0),
  configs: z.record(z.string(), z.string()),
});

export const poolObservationSchema = z.strictObject({
  clusterId: z.string(),
  /** The spec generation this observation reflects (fully applied when equal to the spec's). */
  observedGeneration: z.number().int().min(0),
  phase: z.enum(['PROVISIONING', 'RUNNING', 'DEGRADED', 'DELETING', 'DELETED', 'FAILED']),
  message: z.string().nullable(),
  /** Comma-separated host:port list, null until the brokers listen. */
  bootstrap: z.string().nullable(),
  brokers: z.array(brokerObservationSchema),
  /** Credential ids in force on every broker of the pool (an API key is READY when listed). */
  credentials: z.array(z.string()),
  topics: z.array(observedTopicSchema),
  /** Per desired topic that failed to apply: its name and the broker's error. */
  topicErrors: z.array(z.strictObject({ name: z.string(), error: z.string() })),
  observedAt: z.iso.datetime({ offset: true }),
});
export type PoolObservation = z.infer<typeof poolObservationSchema>;

export const observedStateSchema = z.strictObject({
  /** The agent's own version string, for diagnostics. */
  agentVersion: z.string(),
  pools: z.array(poolObservationSchema),
});
export type ObservedState = z.infer<typeof observedStateSchema>;

/**
 * One read of a broker's usage counters (GET /v1/usage on the broker, as is) with where it
 * came from. (clusterId, brokerId, incarnation, sequence) identifies it: the control plane
 * stores each once, so an agent may resend after a timeout.
 */
export const usageSampleSchema = z.strictObject({
  clusterId: z.string(),
  brokerId: z.number().int().min(0),
  incarnation: z.string().min(1),
  sequence: z.number().int().min(0),
  takenAt: z.iso.datetime({ offset: true }),
  /** The broker's usage document (cluster and per-topic counters). */
  usage: z.looseObject({}),
});
export type UsageSample = z.infer<typeof usageSampleSchema>;

export const usageReportSchema = z.strictObject({
  samples: z.array(usageSampleSchema).max(1000),
});
export type UsageReport = z.infer<typeof usageReportSchema>;

export const usageAckSchema = z.strictObject({
  accepted: z.number().int().min(0),
  duplicates: z.number().int().min(0),
});
export type UsageAck = z.infer<typeof usageAckSchema>;
