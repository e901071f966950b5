/**
 * Test support: fixed pool specs and render options the golden files are rendered from.
 * Changing anything here changes the golden files (UPDATE_GOLDEN=1 rewrites them).
 */
import { type PoolSpec, poolSpecSchema } from '@tributary/contracts';
import type { S3Settings } from '../../../tiered/s3-settings.js';
import { parseRenderOptions, type RenderOptions } from '../render-options.js';

export const TOKEN = 'golden-admin-token-0123456789abcdef';

export function basicSpec(overrides: Partial<PoolSpec> = {}): PoolSpec {
  return poolSpecSchema.parse({
    clusterId: 'lkc-basic1',
    generation: 1,
    state: 'RUNNING',
    brokers: 1,
    resources: { cpuMillis: 500, memoryMiB: 1024, storageGiB: 10 },
    brokerConfig: { 'message.max.bytes': '1048588', 'authorizer.enabled': 'true' },
    limits: {},
    credentials: [],
    acls: [],
    topics: [],
    ...overrides,
  });
}

export function standardSpec(overrides: Partial<PoolSpec> = {}): PoolSpec {
  return basicSpec({
    clusterId: 'lkc-std3',
    brokers: 3,
    resources: { cpuMillis: 2000, memoryMiB: 4096, storageGiB: 100 },
    brokerConfig: {
      'authorizer.enabled': 'true',
      'log.retention.hours': '168',
      'message.max.bytes': '8388608',
      'num.partitions': '3',
    },
    ...overrides,
  });
}

/** In-cluster clients only, SASL over plain TCP. */
export const plaintextOptions: RenderOptions = parseRenderOptions({
  brokerImage: 'registry.example.com/tributary/broker:0.1.0',
  securityProtocol: 'SASL_PLAINTEXT',
});

/** SASL_SSL with a cert-manager key store, each broker behind its own LoadBalancer. */
export const externalTlsOptions: RenderOptions = parseRenderOptions({
  brokerImage: 'registry.example.com/tributary/broker:0.1.0',
  securityProtocol: 'SASL_SSL',
  tls: { secretName: 'kafka-wildcard-tls' },
  storageClassName: 'fast-ssd',
  external: {
    endpointTemplate: '{clusterId}-b{brokerId}.kafka.example.com:9094',
    serviceAnnotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' },
  },
  nodeSelector: { 'tributary.dev/pool-nodes': 'true' },
  tolerations: [{ key: 'tributary.dev/pools', operator: 'Exists', effect: 'NoSchedule' }],
});

/** The region's S3 as the agent's --s3-* settings give it (the key pair is never rendered). */
export const tieredS3: S3Settings = {
  endpoint: 'https://s3.eu-west-1.amazonaws.com',
  region: 'eu-west-1',
  bucket: 'tributary-eu-west-1',
  prefix: 'prod/',
  pathStyle: false,
  credentials: {
    accessKeyId: 'AKIAGOLDENEXAMPLE',
    secretAccessKey: 'golden-s3-secret-never-rendered',
  },
};

/** In-cluster plaintext with tiered storage: the key pair from a Secret reference. */
export const tieredOptions: RenderOptions = parseRenderOptions({
  brokerImage: 'registry.example.com/tributary/broker:0.1.0',
  securityProtocol: 'SASL_PLAINTEXT',
  s3CredentialsSecret: { name: 'tributary-s3' },
});
