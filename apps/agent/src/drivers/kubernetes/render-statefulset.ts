/**
 * The StatefulSet of one pool: one broker container per pod, its data on a PersistentVolumeClaim,
 * the admin token and TLS key store mounted read-only from Secrets, Guaranteed QoS
 * (requests = limits), non-root with a read-only root file system, spread over nodes and zones.
 * With tiered storage, the cluster's rsm.* properties are `--set` flags and the S3 key pair
 * comes from a Secret reference in the environment (never a value in the manifest).
 */
import type { PoolSpec } from '@tributary/contracts';
import type {
  V1Container,
  V1EnvVar,
  V1StatefulSet,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import { checkBrokerConfig, tieredBrokerProperties } from '../../tiered/broker-properties.js';
import type { S3Settings } from '../../tiered/s3-settings.js';
import { advertisedArg, escapeArg } from './endpoints.js';
import { ADMIN_PORT, KAFKA_PORT, type PoolNames, podSelector, poolLabels } from './names.js';
import type { RenderOptions } from './render-options.js';

const DATA_MOUNT = '/var/lib/tributary';
const ADMIN_MOUNT = '/etc/tributary/admin';
const TLS_MOUNT = '/etc/tributary/tls';
/** The broker image runs as this user (infra/docker/broker.Dockerfile). */
const BROKER_UID = 10001;

/** Broker properties the driver sets itself; a spec may not override them. */
export const DRIVER_OWNED_PROPERTIES: readonly string[] = [
  'ssl.keystore.location',
  'ssl.keystore.type',
];

export class DriverOwnedPropertyError extends Error {
  override name = 'DriverOwnedPropertyError';
}

/**
 * Exec probe: the health route wants the pool token, which must not appear in the pod spec
 * (an httpGet probe header would put it there), so a short node script reads the token file.
 */
const HEALTH_SCRIPT =
  `const t=require('fs').readFileSync('${ADMIN_MOUNT}/token','utf8').trim();` +
  `fetch('http://127.0.0.1:${ADMIN_PORT}/v1/health',{headers:{authorization:'Bearer '+t},signal:AbortSignal.timeout(4000)})` +
  `.then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`;

function brokerArgs(
  spec: PoolSpec,
  names: PoolNames,
  options: RenderOptions,
  s3: S3Settings | null,
): string[] {
  checkBrokerConfig(spec.brokerConfig);
  for (const key of DRIVER_OWNED_PROPERTIES)
    if (key in spec.brokerConfig)
      throw new DriverOwnedPropertyError(
        `brokerConfig ${key} is set by the kubernetes driver and cannot be overridden`,
      );
  const args = [
    '--data-dir',
    `${DATA_MOUNT}/data`,
    '--node-id',
    '$(POD_INDEX)',
    '--listen',
    `${options.securityProtocol}://0.0.0.0:${KAFKA_PORT}`,
    '--advertised',
    advertisedArg(names, options),
    '--admin-listen',
    `0.0.0.0:${ADMIN_PORT}`,
    '--admin-token-file',
    `${ADMIN_MOUNT}/token`,
  ];
  const props: Array<[string, string]> = Object.entries(spec.brokerConfig);
  if (options.tls && options.securityProtocol === 'SASL_SSL')
    props.push(
      ['ssl.keystore.location', `${TLS_MOUNT}/${options.tls.keystoreKey}`],
      ['ssl.keystore.type', 'PEM'],
    );
  // Only the shown half: the key pair reaches the pod through s3CredentialsSecret.
  if (s3) props.push(...Object.entries(tieredBrokerProperties(s3, spec.clusterId).properties));
  props.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, value] of props) args.push('--set', escapeArg(`${key}=${value}`));
  return args;
}

function healthProbe(periodSeconds: number, failureThreshold: number) {
  return {
    exec: { command: ['node', '-e', HEALTH_SCRIPT] },
    periodSeconds,
    timeoutSeconds: 5,
    failureThreshold,
  };
}

function s3CredentialsEnv(options: RenderOptions, s3: S3Settings | null): V1EnvVar[] {
  const secret = options.s3CredentialsSecret;
  if (!s3 || !secret) return [];
  return [
    ['AWS_ACCESS_KEY_ID', secret.accessKeyIdKey],
    ['AWS_SECRET_ACCESS_KEY', secret.secretAccessKeyKey],
  ].map(([name, key]) => ({ name, valueFrom: { secretKeyRef: { name: secret.name, key } } }));
}

function brokerContainer(
  spec: PoolSpec,
  names: PoolNames,
  options: RenderOptions,
  s3: S3Settings | null,
): V1Container {
  const { cpuMillis, memoryMiB } = spec.resources;
  const mounts: V1VolumeMount[] = [
    { name: 'data', mountPath: DATA_MOUNT },
    { name: 'admin-token', mountPath: ADMIN_MOUNT, readOnly: true },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  if (options.securityProtocol === 'SASL_SSL')
    mounts.push({ name: 'tls', mountPath: TLS_MOUNT, readOnly: true });
  const resources = { cpu: `${cpuMillis}m`, memory: `${memoryMiB}Mi` };
  return {
    name: 'broker',
    image: options.brokerImage,
    imagePullPolicy: options.imagePullPolicy,
    args: brokerArgs(spec, names, options, s3),
    env: [
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      {
        // The StatefulSet controller labels each pod with its ordinal (Kubernetes >= 1.28).
        name: 'POD_INDEX',
        valueFrom: { fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" } },
      },
      // Leaves a quarter of the container's memory to buffers, sockets and native code.
      { name: 'NODE_OPTIONS', value: `--max-old-space-size=${Math.floor(memoryMiB * 0.75)}` },
      ...s3CredentialsEnv(options, s3),
    ],
    ports: [
      { name: 'kafka', containerPort: KAFKA_PORT, protocol: 'TCP' },
      { name: 'admin', containerPort: ADMIN_PORT, protocol: 'TCP' },
    ],
    resources: { requests: resources, limits: resources },
    startupProbe: healthProbe(2, 150),
    readinessProbe: healthProbe(5, 2),
    livenessProbe: healthProbe(10, 6),
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    },
    volumeMounts: mounts,
  };
}

function volumes(names: PoolNames, options: RenderOptions): V1Volume[] {
  const out: V1Volume[] = [
    {
      name: 'admin-token',
      secret: {
        secretName: names.adminSecret,
        defaultMode: 0o440,
        items: [{ key: 'token', path: 'token' }],
      },
    },
    { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
  ];
  if (options.securityProtocol === 'SASL_SSL' && options.tls)
    out.push({
      name: 'tls',
      secret: {
        secretName: options.tls.secretName,
        defaultMode: 0o440,
        items: [{ key: options.tls.keystoreKey, path: options.tls.keystoreKey }],
      },
    });
  return out;
}

export function renderStatefulSet(
  spec: PoolSpec,
  names: PoolNames,
  options: RenderOptions,
  s3: S3Settings | null = null,
): V1StatefulSet {
  const labels = poolLabels(names);
  const selector = podSelector(names);
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: names.base, namespace: names.namespace, labels },
    spec: {
      serviceName: names.headless,
      replicas: spec.brokers,
      // Brokers do not depend on each other to start: create them all at once.
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'RollingUpdate' },
      // Deleting the pool deletes its volumes; scaling down keeps them for a scale-up.
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 60,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: BROKER_UID,
            runAsGroup: BROKER_UID,
            fsGroup: BROKER_UID,
            fsGroupChangePolicy: 'OnRootMismatch',
            seccompProfile: { type: 'RuntimeDefault' },
          },
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: {
                    labelSelector: { matchLabels: selector },
                    topologyKey: 'kubernetes.io/hostname',
                  },
                },
              ],
            },
          },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selector },
            },
          ],
          ...(Object.keys(options.nodeSelector).length > 0
            ? { nodeSelector: options.nodeSelector }
            : {}),
          ...(options.tolerations.length > 0 ? { tolerations: options.tolerations } : {}),
          containers: [brokerContainer(spec, names, options, s3)],
          volumes: volumes(names, options),
        },
      },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data', labels },
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(options.storageClassName ? { storageClassName: options.storageClassName } : {}),
            resources: { requests: { storage: `${spec.resources.storageGiB}Gi` } },
          },
        },
      ],
    },
  };
}
